using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// With Service Bus as the job transport: sends queued jobs to the jobs queue. The job store stays the
/// transactional outbox (<see cref="IJobDispatchOutbox"/>: a workflow step writes its jobs in its own transaction;
/// this loop claims due ones, sends each, and marks them dispatched in one transaction). A crash after sending but
/// before the commit sends them again, and the queue's duplicate detection drops the resend (message id = job id).
/// Runners then take jobs from Service Bus only.
/// </summary>
internal sealed class JobDispatchLoop(
    IJobDispatchOutbox jobs,
    ServiceBusJobDispatcher dispatcher,
    WorkSignals signals,
    EngineOptions options,
    ILogger<JobDispatchLoop> logger) : BackgroundService
{
    /// <summary>Most jobs sent per transaction, so row locks are held for a bounded time.</summary>
    public const int BatchSize = 20;

    /// <summary>Sends up to <see cref="BatchSize"/> due jobs; returns how many were dispatched (0 when none are queued).</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        var sent = await jobs.DispatchBatchAsync(BatchSize, dispatcher.SendJobAsync, ct);
        if (sent > 0) logger.LogDebug("Dispatched {Count} jobs to Service Bus", sent);
        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0) { }
                // New job rows notify 'terraflow_jobs' on commit; polling covers a missed notification.
                await signals.Jobs.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Sending jobs to Service Bus failed; retrying");
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
