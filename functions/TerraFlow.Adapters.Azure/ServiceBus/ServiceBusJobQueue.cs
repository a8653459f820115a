using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The runner's side of the Service Bus job transport. A claim is a peek-lock on the jobs queue; the lease is the
/// message lock. <see cref="JobLease.LeaseToken"/> is a number and a lock token is a GUID, so the lease carries a
/// process-local handle to the locked message instead; a lease from another process (or one already finished) is
/// simply unknown here and fails renew and complete, which is what a lost lease must do.
/// </summary>
public sealed class ServiceBusJobQueue(ServiceBusRestClient client, ServiceBusOptions options, ILogger<ServiceBusJobQueue> logger) : IJobQueue
{
    private readonly ConcurrentDictionary<long, Held> _held = new();
    private long _lastHandle;

    public TimeSpan LeaseDuration => options.LockDuration;

    /// <summary>Locked messages this process holds, for diagnostics and tests.</summary>
    public int HeldCount => _held.Count;

    public async Task<JobLease?> ClaimAsync(string workerId, CancellationToken ct)
    {
        ForgetLongExpired();
        // Bounded: unreadable or exhausted messages are handled and the next one tried, but a claim never spins forever.
        for (var tries = 0; tries < 10; tries++)
        {
            var message = await client.PeekLockAsync(options.JobsQueue, options.ReceiveTimeout, ct);
            if (message is null) return null;

            var attempt = message.Properties.DeliveryCount;
            if (JobMessages.TryReadJob(message.Body) is not { } job)
            {
                // No explicit dead-lettering over REST: unlock, and MaxDeliveryCount moves it to the dead-letter queue.
                logger.LogError("Job message {MessageId} is not a TerraFlow job; releasing it (the broker dead-letters it after MaxDeliveryCount)",
                    message.Properties.MessageId);
                await client.UnlockAsync(message, ct);
                continue;
            }

            if (attempt > options.MaxAttempts)
            {
                await AnswerExhaustedAsync(message, job, attempt, ct);
                continue;
            }

            // A second delivery of an apply means a runner took it and lost it (died, or its lock lapsed): that apply
            // may have run partly. Never run it again; report it interrupted so a human checks the state.
            if (job.Spec.Kind == JobKinds.Apply && attempt > 1)
            {
                await AnswerInterruptedApplyAsync(message, job, attempt, ct);
                continue;
            }

            var handle = Interlocked.Increment(ref _lastHandle);
            _held[handle] = new Held(job.JobId, attempt, message);
            logger.LogDebug("Worker {Worker} locked job {JobId} (delivery {Attempt}, sequence {Sequence})",
                workerId, job.JobId, attempt, message.Properties.SequenceNumber);
            return new JobLease(job.JobId, handle, attempt, job.Spec);
        }

        return null;
    }

    public async Task<bool> RenewAsync(JobLease lease, CancellationToken ct)
    {
        if (!TryGetHeld(lease, out var held)) return false;
        if (await client.RenewLockAsync(held.Message, ct)) return true;
        _held.TryRemove(lease.LeaseToken, out _);
        return false;
    }

    /// <summary>
    /// Renews first (a lost lock means another runner has, or will get, the job: drop this result), then sends the
    /// result, then completes the job message. If the lock is lost between the send and the complete, the result is
    /// already out and true is returned; the redelivery produces a second result with a different message id, and the
    /// host keeps only the first result per job.
    /// </summary>
    public async Task<bool> CompleteAsync(JobLease lease, JobResult result, CancellationToken ct)
    {
        if (!TryGetHeld(lease, out var held)) return false;
        if (!await client.RenewLockAsync(held.Message, ct))
        {
            _held.TryRemove(lease.LeaseToken, out _);
            return false;
        }

        await client.SendAsync(options.ResultsQueue, JobMessages.Result(result, held.Attempt), ct);
        if (!await client.CompleteAsync(held.Message, ct))
            logger.LogWarning("Job {JobId}: result sent but the lock was lost before completing; it will be delivered again", lease.JobId);
        _held.TryRemove(lease.LeaseToken, out _);
        return true;
    }

    private async Task AnswerExhaustedAsync(ServiceBusReceivedMessage message, JobMessage job, int attempt, CancellationToken ct)
    {
        logger.LogWarning("Job {JobId} was delivered {Attempt} times (limit {Max}); reporting it failed instead of running it",
            job.JobId, attempt, options.MaxAttempts);
        await client.SendAsync(options.ResultsQueue, JobMessages.Result(JobMessages.Exhausted(job.JobId, attempt - 1, job.Spec), attempt), ct);
        await client.CompleteAsync(message, ct);
    }

    private async Task AnswerInterruptedApplyAsync(ServiceBusReceivedMessage message, JobMessage job, int attempt, CancellationToken ct)
    {
        logger.LogWarning("Apply job {JobId} was delivered again (delivery {Attempt}); a previous runner lost it, so it is reported interrupted, not applied again",
            job.JobId, attempt);
        await client.SendAsync(options.ResultsQueue, JobMessages.Result(JobMessages.Exhausted(job.JobId, attempt - 1, job.Spec), attempt), ct);
        await client.CompleteAsync(message, ct);
    }

    private bool TryGetHeld(JobLease lease, out Held held) =>
        _held.TryGetValue(lease.LeaseToken, out held!) && held.JobId == lease.JobId && held.Attempt == lease.Attempt;

    /// <summary>A runner that gives up on a lease without renew or complete (unknown job kind) must not leak its entry.</summary>
    private void ForgetLongExpired()
    {
        var horizon = DateTimeOffset.UtcNow - options.LockDuration * 10;
        foreach (var (handle, held) in _held)
            if (held.Message.Properties.LockedUntil is { } until && until < horizon)
                _held.TryRemove(handle, out _);
    }

    private sealed record Held(long JobId, int Attempt, ServiceBusReceivedMessage Message);
}
