namespace TerraFlow.Application.Jobs;

/// <summary>How many jobs with an expired lease one sweep sent back to the queue and how many it gave up on.</summary>
public sealed record LeaseSweepResult(int Requeued, int Failed)
{
    public int Total => Requeued + Failed;
}

/// <summary>
/// Finds jobs whose runner went silent and tells the run, in one transaction per batch: a job that is given up on is
/// failed and its failure result (<see cref="TerraFlow.Core.Jobs.JobFailures"/>) is written to the workflow inbox with it.
/// Which jobs may run again is <see cref="ExpiredLeasePolicy"/>'s decision, not the store's.
/// </summary>
public interface IExpiredJobSweep
{
    /// <summary>Jobs leased by a runner that stopped renewing the lease: requeued or failed, up to <paramref name="limit"/>.</summary>
    Task<LeaseSweepResult> SweepExpiredLeasesAsync(int limit, CancellationToken ct);

    /// <summary>
    /// Jobs sent to a transport the host cannot watch (Service Bus) whose result has not come within
    /// <paramref name="timeout"/>: failed (an apply: interrupted). Returns how many, up to <paramref name="limit"/>.
    /// </summary>
    Task<int> FailOverdueDispatchedAsync(TimeSpan timeout, int limit, CancellationToken ct);
}
