using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;

namespace TerraFlow.Runner.Jobs;

/// <summary>Executes one kind of job. Failures the user must see are reported in the result, not thrown.</summary>
public interface IJobHandler
{
    string Kind { get; }

    Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct);
}
