using Microsoft.Extensions.Logging;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// One step of the engine's periodic work: finds jobs whose runner stopped renewing its lease (crashed, killed,
/// partitioned). A plan may simply run again, so it goes back to the queue until its attempts are used up; then the
/// run hears that the job failed. An apply never goes back (<see cref="ExpiredLeasePolicy"/>): the run hears that the
/// apply was interrupted and a human checks the state before anything is applied again.
/// <para>
/// Jobs sent to Service Bus have no lease here: the runner's lock lives in Service Bus, and a lost runner's message is
/// redelivered there (up to the queue's MaxDeliveryCount, then dead-lettered). What the host can see is a job whose
/// result never came: after <see cref="EngineOptions.DispatchedResultTimeout"/> it is given up on the same way.
/// </para>
/// </summary>
internal sealed class ExpiredLeaseSweeper(IExpiredJobSweep store, ILogger<ExpiredLeaseSweeper> logger, EngineOptions? options = null)
{
    /// <summary>Most jobs handled per transaction, so row locks are held for a bounded time.</summary>
    public const int BatchSize = 100;

    private readonly TimeSpan _dispatchedResultTimeout = (options ?? new EngineOptions()).DispatchedResultTimeout;

    public async Task<int> SweepAsync(CancellationToken ct) => await SweepLeasesAsync(ct) + await SweepDispatchedAsync(ct);

    /// <summary>Service Bus jobs whose result is overdue: failed, and the run hears it (an apply: interrupted).</summary>
    public async Task<int> SweepDispatchedAsync(CancellationToken ct)
    {
        var overdue = await store.FailOverdueDispatchedAsync(_dispatchedResultTimeout, BatchSize, ct);
        if (overdue > 0)
            logger.LogWarning("{Count} jobs sent to Service Bus got no result within {Timeout}; reported as failed (applies as interrupted)", overdue, _dispatchedResultTimeout);
        return overdue;
    }

    private async Task<int> SweepLeasesAsync(CancellationToken ct)
    {
        var swept = await store.SweepExpiredLeasesAsync(BatchSize, ct);
        if (swept.Total > 0)
            logger.LogWarning("Expired job leases: {Requeued} requeued, {Failed} failed after their last attempt", swept.Requeued, swept.Failed);
        return swept.Total;
    }
}
