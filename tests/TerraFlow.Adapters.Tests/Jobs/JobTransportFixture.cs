using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// What the compliance suite needs from one job transport: the producer side (enqueue), the runner side
/// (<see cref="IJobQueue"/>, one instance per simulated runner process), the consumer side (results), and a way to
/// make a lease lapse the way that transport does it (the PostgreSQL sweeper, or Service Bus lock expiry).
/// </summary>
public abstract class JobTransportFixture : IAsyncDisposable
{
    /// <summary>Lease length the fixture configured; long enough for a renew test on a busy two-core machine.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);

    /// <summary>A runner's queue client. Call twice to simulate two runner processes.</summary>
    public abstract IJobQueue CreateRunnerQueue();

    /// <summary>Queues <paramref name="count"/> jobs the way the function app does; returns their job ids.</summary>
    public abstract Task<IReadOnlyList<long>> EnqueueAsync(int count, string kind = JobKinds.Discover);

    /// <summary>Makes the lease lapse now, as if its holder had stopped renewing for longer than the lease.</summary>
    public abstract Task LetLeaseLapseAsync(JobLease lease);

    /// <summary>Every result the consumer (the workflow inbox) has received so far, in arrival order.</summary>
    public abstract Task<IReadOnlyList<JobResult>> ReadResultsAsync();

    public abstract ValueTask DisposeAsync();

    protected static JobSpec Spec(long runId, string kind) =>
        new(kind, runId, "acme", "infra", null, "https://example.invalid/acme/infra.git", "abc", "def", null, "op-compliance");
}
