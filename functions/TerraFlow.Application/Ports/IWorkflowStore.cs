using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Ports;

/// <summary>
/// The workflow's storage: a use case opens one <see cref="IWorkflowTransaction"/>, does all its reads and writes in
/// it and commits, so a crash leaves either all of a step or none. Reads that only gather facts before deciding (and
/// never lock anything) go through <see cref="LoadRunSnapshotAsync"/> and <see cref="LatestRunIdAsync"/> without a
/// transaction; the transaction re-checks what they were read for.
/// </summary>
public interface IWorkflowStore
{
    Task<IWorkflowTransaction> BeginAsync(CancellationToken ct);

    /// <summary>The run as it is now, without locking it (null when it does not exist).</summary>
    Task<StoredRun?> LoadRunSnapshotAsync(long runId, CancellationToken ct);

    /// <summary>The pull request's newest run (whatever its status), or null when it has none.</summary>
    Task<long?> LatestRunIdAsync(PullRequestAddress pullRequest, CancellationToken ct);

    /// <summary>Who spent an approval link's token, or null while it is unspent (<see cref="IApprovalTokens.TrySpendAsync"/> decides).</summary>
    Task<string?> ApprovalTokenSpentByAsync(string tokenId, CancellationToken ct);
}
