using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The runner's side of the Service Bus job transport (Azure.Messaging.ServiceBus over AMQP). A claim is a peek-lock
/// receive on the jobs queue; the lease is the message lock, renewed by the runner's renew loop
/// (<see cref="ServiceBusReceiver.RenewMessageLockAsync(ServiceBusReceivedMessage, CancellationToken)"/>); a result is
/// sent to the results queue before the job message is completed. Every message is settled deliberately: completed
/// after its result is out, dead-lettered when it must not run (not a job, attempts used up, an apply delivered a
/// second time), and never abandoned — abandoning would hand it straight to the next runner.
/// <see cref="JobLease.LeaseToken"/> is a number and a lock token is a GUID, and only the receiver that received a
/// message can settle it, so the lease carries a process-local handle to the locked message; a lease from another
/// process (or one already finished) is unknown here and fails renew and complete, which is what a lost lease must do.
/// </summary>
public sealed class ServiceBusJobQueue : IJobQueue, IAsyncDisposable
{
    /// <summary>Dead-letter reasons TerraFlow sets; an operator finds them on the jobs queue's dead-letter sub-queue.</summary>
    public const string NotAJobReason = "NotATerraFlowJob";
    public const string AttemptsUsedUpReason = "AttemptsUsedUp";
    public const string ApplyNotRetriedReason = "ApplyNotRetried";

    private readonly ServiceBusReceiver _jobs;
    private readonly ServiceBusSender _results;
    private readonly ServiceBusOptions _options;
    private readonly ILogger<ServiceBusJobQueue> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Held> _held = new();
    private long _lastHandle;

    public ServiceBusJobQueue(ServiceBusClient client, ServiceBusOptions options, ILogger<ServiceBusJobQueue> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // Peek-lock and no prefetch: a prefetched message's lock would run down while it waits in this process.
        _jobs = client.CreateReceiver(options.JobsQueue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 });
        _results = client.CreateSender(options.ResultsQueue);
    }

    public TimeSpan LeaseDuration => _options.LockDuration;

    /// <summary>Locked messages this process holds, for diagnostics and tests.</summary>
    public int HeldCount => _held.Count;

    public async Task<JobLease?> ClaimAsync(string workerId, CancellationToken ct)
    {
        ForgetLongExpired();
        // Bounded: unreadable or exhausted messages are settled and the next one tried, but a claim never spins forever.
        for (var tries = 0; tries < 10; tries++)
        {
            var message = await _jobs.ReceiveMessageAsync(_options.ReceiveTimeout, ct).ConfigureAwait(false);
            if (message is null) return null;

            var attempt = message.DeliveryCount;
            if (JobMessages.TryReadJob(message.Body) is not { } job)
            {
                _logger.LogError("Job message {MessageId} is not a TerraFlow job; dead-lettering it", message.MessageId);
                await _jobs.DeadLetterMessageAsync(message, NotAJobReason, "The body is not a TerraFlow job message (JobWire JSON with jobId and spec).", ct).ConfigureAwait(false);
                continue;
            }

            if (attempt > _options.MaxAttempts)
            {
                _logger.LogWarning("Job {JobId} was delivered {Attempt} times (limit {Max}); reporting it failed instead of running it",
                    job.JobId, attempt, _options.MaxAttempts);
                await AnswerWithoutRunningAsync(message, job, attempt, AttemptsUsedUpReason,
                    $"Delivered {attempt} times; runners stopped responding {attempt - 1} times.", ct).ConfigureAwait(false);
                continue;
            }

            // A second delivery of an apply means a runner took it and lost it (died, or its lock lapsed): that apply
            // may have run partly. Never run it again; report it interrupted so a human checks the state.
            if (job.Spec.Kind == JobKinds.Apply && attempt > 1)
            {
                _logger.LogWarning("Apply job {JobId} was delivered again (delivery {Attempt}); a previous runner lost it, so it is reported interrupted, not applied again",
                    job.JobId, attempt);
                await AnswerWithoutRunningAsync(message, job, attempt, ApplyNotRetriedReason,
                    "A runner lost this apply while it may have been running; it is never applied twice.", ct).ConfigureAwait(false);
                continue;
            }

            var handle = Interlocked.Increment(ref _lastHandle);
            _held[handle] = new Held(job.JobId, attempt, message) { LockedUntil = message.LockedUntil };
            _logger.LogDebug("Worker {Worker} locked job {JobId} (delivery {Attempt}, sequence {Sequence})",
                workerId, job.JobId, attempt, message.SequenceNumber);
            return new JobLease(job.JobId, handle, attempt, job.Spec)
            {
                QueueWaitMs = Math.Max(0, (_time.GetUtcNow() - message.EnqueuedTime).TotalMilliseconds),
            };
        }

        return null;
    }

    public async Task<bool> RenewAsync(JobLease lease, CancellationToken ct)
    {
        if (!TryGetHeld(lease, out var held)) return false;
        if (await TryRenewAsync(held, ct).ConfigureAwait(false)) return true;
        _held.TryRemove(lease.LeaseToken, out _);
        return false;
    }

    /// <summary>
    /// Renews first (a lost lock means another runner has, or will get, the job: drop this result), then sends the
    /// result, then completes the job message. If the lock is lost between the send and the complete, the result is
    /// already out and true is returned; the redelivery is then answered without running (an apply) or runs again
    /// (a plan) and its result carries another message id, which the workflow ignores for a project already decided.
    /// A send that fails even after the SDK's retries throws: the lock lapses and the job comes back.
    /// </summary>
    public async Task<bool> CompleteAsync(JobLease lease, JobResult result, CancellationToken ct)
    {
        if (!TryGetHeld(lease, out var held)) return false;
        if (!await TryRenewAsync(held, ct).ConfigureAwait(false))
        {
            _held.TryRemove(lease.LeaseToken, out _);
            return false;
        }

        await _results.SendMessageAsync(JobMessages.Result(result, held.Attempt), ct).ConfigureAwait(false);
        try
        {
            await _jobs.CompleteMessageAsync(held.Message, ct).ConfigureAwait(false);
        }
        catch (ServiceBusException ex) when (IsLockGone(ex))
        {
            _logger.LogWarning("Job {JobId}: result sent but the lock was lost before completing; it will be delivered again", lease.JobId);
        }
        _held.TryRemove(lease.LeaseToken, out _);
        return true;
    }

    /// <summary>Sends the failed or interrupted result first, then dead-letters: if the runner dies in between, the next delivery answers again.</summary>
    private async Task AnswerWithoutRunningAsync(ServiceBusReceivedMessage message, JobMessage job, int attempt, string reason, string description, CancellationToken ct)
    {
        await _results.SendMessageAsync(JobMessages.Result(JobFailures.Exhausted(job.JobId, attempt - 1, job.Spec), attempt), ct).ConfigureAwait(false);
        try
        {
            await _jobs.DeadLetterMessageAsync(message, reason, description, ct).ConfigureAwait(false);
        }
        catch (ServiceBusException ex) when (IsLockGone(ex))
        {
            _logger.LogWarning("Job {JobId}: answered without running, but the lock was lost before dead-lettering; the next delivery answers again", job.JobId);
        }
    }

    private async Task<bool> TryRenewAsync(Held held, CancellationToken ct)
    {
        try
        {
            await _jobs.RenewMessageLockAsync(held.Message, ct).ConfigureAwait(false);
            held.LockedUntil = _time.GetUtcNow() + _options.LockDuration;
            return true;
        }
        catch (ServiceBusException ex) when (IsLockGone(ex))
        {
            return false;
        }
    }

    /// <summary>The lock expired (the message went or goes to another runner), or the message was already settled.</summary>
    internal static bool IsLockGone(ServiceBusException ex) =>
        ex.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound;

    private bool TryGetHeld(JobLease lease, out Held held) =>
        _held.TryGetValue(lease.LeaseToken, out held!) && held.JobId == lease.JobId && held.Attempt == lease.Attempt;

    /// <summary>A runner that gives up on a lease without renew or complete (unknown job kind) must not leak its entry.</summary>
    private void ForgetLongExpired()
    {
        var horizon = _time.GetUtcNow() - _options.LockDuration * 10;
        foreach (var (handle, held) in _held)
            if (held.LockedUntil < horizon)
                _held.TryRemove(handle, out _);
    }

    public async ValueTask DisposeAsync()
    {
        await _jobs.DisposeAsync().ConfigureAwait(false);
        await _results.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Held(long JobId, int Attempt, ServiceBusReceivedMessage Message)
    {
        public DateTimeOffset LockedUntil { get; set; }
    }
}
