using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Sandbox;
using Microsoft.Extensions.Configuration;

namespace TerraFlow.Runner;

/// <summary>
/// The runner loop: claim a job, keep its lease alive while it runs, report the result. Losing the lease (the job
/// was cancelled by a newer push, or the lease expired and another runner took it) cancels the work in progress.
/// Stopping the runner cancels plans at once (their lease expires and they run again elsewhere); an apply already
/// running gets <see cref="RunnerOptions.ApplyGracePeriod"/> to finish and then is interrupted and reported as such.
/// </summary>
public sealed class JobRunner(IJobQueue queue, IEnumerable<IJobHandler> handlers, RunnerOptions options, JobSignal signal, ILogger<JobRunner> logger,
    IConfiguration? configuration = null)
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    // Every secret this process knows (its environment, settings, the App key, the operator's job credentials) does
    // not change while it runs: collected once, not per job.
    private readonly SecretMasker _environmentSecrets = ConfiguredSecrets.Collect(configuration, options, ChildEnvironment.OfThisProcess());
    private readonly string _workerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long reporting a result may take once the runner is stopping.</summary>
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often a held lease is renewed; a third of the lease leaves room for two missed renewals.</summary>
    private TimeSpan RenewInterval => queue.LeaseDuration / 3;

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Concurrency)).Select(i => WorkerLoopAsync(i, ct)));

    private async Task WorkerLoopAsync(int index, CancellationToken ct)
    {
        var worker = $"{_workerId}/{index}";
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await TryRunOneAsync(worker, ct))
                    await signal.WaitAsync(options.PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The queue is unreachable or a handler broke unexpectedly: back off, the lease expiry retries the job.
                logger.LogError(ex, "Runner worker {Worker} failed; retrying shortly", worker);
                await Task.Delay(options.PollInterval, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Waits up to <paramref name="wait"/> for a job and runs it; false when none came.</summary>
    public async Task<bool> RunOneAsync(TimeSpan wait, CancellationToken ct)
    {
        var worker = $"{_workerId}/0";
        var deadline = DateTime.UtcNow + wait;
        while (!ct.IsCancellationRequested)
        {
            if (await TryRunOneAsync(worker, ct)) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await signal.WaitAsync(options.PollInterval, ct);
        }
        return false;
    }

    /// <summary>Runs one job if there is one; false when the queue was empty.</summary>
    public async Task<bool> TryRunOneAsync(string worker, CancellationToken ct)
    {
        var lease = await queue.ClaimAsync(worker, ct);
        if (lease is null) return false;
        if (!_handlers.TryGetValue(lease.Spec.Kind, out var handler))
        {
            logger.LogError("Job {JobId} has unknown kind {Kind}; leaving it to expire", lease.JobId, lease.Spec.Kind);
            return true;
        }

        // One operation from the webhook to here: the activity continues the request's trace, and every log line
        // of the job carries the operation id (JSON console logs show scopes; the Functions host forwards them).
        using var activity = TerraFlowTelemetry.StartJob(lease.Spec.Kind, lease.JobId, lease.Spec.OperationId);
        activity?.SetTag("terraflow.run.id", lease.Spec.RunId);
        activity?.SetTag("terraflow.job.attempt", lease.Attempt);
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["OperationId"] = TerraFlowTelemetry.OperationIdOf(lease.Spec.OperationId), ["JobId"] = lease.JobId, ["RunId"] = lease.Spec.RunId,
        });
        var kindTag = new KeyValuePair<string, object?>("kind", lease.Spec.Kind);
        if (lease.QueueWaitMs is { } wait) TerraFlowTelemetry.JobQueueWait.Record(wait, kindTag);
        var started = Stopwatch.GetTimestamp();

        // A graceful job (an apply) is not cancelled by the runner stopping: its token only follows the lease, it
        // learns about the stop separately and gets ApplyGracePeriod to finish before it is interrupted.
        var graceful = handler as IGracefulJobHandler;
        using var jobCts = graceful is null ? CancellationTokenSource.CreateLinkedTokenSource(ct) : new CancellationTokenSource();
        using var interruptCts = new CancellationTokenSource();
        using var onStopping = graceful is null ? default : ct.Register(() =>
        {
            logger.LogWarning("Runner stopping: job {JobId} ({Kind}) gets {Grace} to finish before it is interrupted",
                lease.JobId, lease.Spec.Kind, options.ApplyGracePeriod);
            interruptCts.CancelAfter(options.ApplyGracePeriod);
        });
        var renewal = RenewLoopAsync(lease, jobCts);
        // Per job: the job adds its own secrets (the clone token) to a copy of the process-wide ones.
        var masker = _environmentSecrets.Clone();
        logger.LogInformation("Job {JobId} ({Kind}, run {RunId}, attempt {Attempt}) started [operation {OperationId}]",
            lease.JobId, lease.Spec.Kind, lease.Spec.RunId, lease.Attempt, TerraFlowTelemetry.OperationIdOf(lease.Spec.OperationId));
        JobResult result;
        try
        {
            result = graceful is null
                ? await handler.ExecuteAsync(lease, masker, jobCts.Token)
                : await graceful.ExecuteAsync(lease, masker, new JobStopSignals(ct, interruptCts.Token, t => queue.RenewAsync(lease, t)), jobCts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested || (graceful is not null && jobCts.IsCancellationRequested))
        {
            logger.LogInformation("Job {JobId} stopped: its lease was lost (cancelled or taken over)", lease.JobId);
            activity?.SetTag("terraflow.job.outcome", "lease-lost");
            return true;
        }
        catch (Exception ex)
        {
            TerraFlowTelemetry.JobsFailed.Add(1, kindTag, new KeyValuePair<string, object?>("reason", "exception"));
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            await jobCts.CancelAsync();
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            TerraFlowTelemetry.JobDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, kindTag);
        }

        if (result.Discovery is { Succeeded: false } || result.Plan is { Succeeded: false } || result.Apply is { Succeeded: false })
        {
            TerraFlowTelemetry.JobsFailed.Add(1, kindTag, new KeyValuePair<string, object?>("reason", "outcome"));
            activity?.SetStatus(ActivityStatusCode.Error, "job outcome is a failure");
        }
        // A job that finished while the runner is stopping still reports its result (an apply's above all), so
        // the report must not use the stopping token; it gets a short time of its own instead.
        using var reportCts = new CancellationTokenSource(ReportTimeout);
        if (!await queue.CompleteAsync(lease, result, ct.IsCancellationRequested ? reportCts.Token : ct))
            logger.LogInformation("Job {JobId} finished after losing its lease; result dropped", lease.JobId);
        return true;
    }

    private async Task RenewLoopAsync(JobLease lease, CancellationTokenSource jobCts)
    {
        var token = jobCts.Token;
        while (!token.IsCancellationRequested)
        {
            await Task.Delay(RenewInterval, token);
            bool held;
            try
            {
                held = await queue.RenewAsync(lease, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing the lease of job {JobId} failed; will try again", lease.JobId);
                continue;
            }
            if (!held)
            {
                await jobCts.CancelAsync();
                return;
            }
        }
    }
}
