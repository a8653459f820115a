using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// A job that must not be cut off the moment the runner stops (an apply: killing Terraform mid-way can leave
/// infrastructure half-changed and the state locked). Its token only means "the lease is lost"; the runner's
/// shutdown arrives through <see cref="JobStopSignals"/> instead.
/// </summary>
public interface IGracefulJobHandler : IJobHandler
{
    Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, JobStopSignals stop, CancellationToken ct);
}

/// <summary>How the runner tells a graceful job that it is stopping.</summary>
/// <param name="Stopping">The runner was asked to stop: start nothing that could not be finished.</param>
/// <param name="Interrupt">The grace period ran out: stop the work in progress now (gracefully, then hard).</param>
/// <param name="ConfirmLease">Renews the lease now; false when it is lost. Checked right before the point of no return.</param>
public sealed record JobStopSignals(CancellationToken Stopping, CancellationToken Interrupt, Func<CancellationToken, Task<bool>> ConfirmLease)
{
    /// <summary>For a caller without a runner around it: one token stops everything, and the lease is assumed held.</summary>
    public static JobStopSignals From(CancellationToken ct) => new(ct, ct, _ => Task.FromResult(true));
}
