using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>The facts of a run that never change: which pull request, which commits, where to clone from.</summary>
public sealed record RunContext(
    long RunId,
    string Provider,
    RepoRef Repo,
    int PullRequestNumber,
    string HeadSha,
    string BaseSha,
    string CloneUrl,
    string OperationId)
{
    /// <summary>The run is planned without credentials (see <see cref="Jobs.JobSpec.Untrusted"/>).</summary>
    public bool Untrusted { get; init; }
}

/// <summary>A run as loaded from the store: its facts, its workflow state and its PR comments so far.</summary>
public sealed record StoredRun(RunContext Context, RunState State, IReadOnlyList<long> CommentIds)
{
    /// <summary>The repository's lock holders, when the run was loaded with its locks.</summary>
    public LockView Locks { get; init; } = LockView.Empty;
}
