using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// The facts of a run that never change: what started it, which pull request, which commits, where to clone from.
/// <see cref="PullRequestNumber"/> is 0 when <see cref="Trigger"/> is not <see cref="RunTrigger.PullRequest"/>.
/// </summary>
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

    /// <summary>What started the run; pull request unless said otherwise (every run before schedules and manual runs).</summary>
    public RunTrigger Trigger { get; init; } = RunTrigger.PullRequest;
}

/// <summary>A run as loaded from the store: its facts, its workflow state and its PR comments so far.</summary>
public sealed record StoredRun(RunContext Context, RunState State, IReadOnlyList<long> CommentIds)
{
    /// <summary>The repository's lock holders, when the run was loaded with its locks.</summary>
    public LockView Locks { get; init; } = LockView.Empty;

    /// <summary>
    /// Project name → the pull request's latest result for that project in an older run, when the run was loaded
    /// with them (for smart re-plans, <see cref="CarriedPlans"/>); empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, PreviousPlan> PreviousPlans { get; init; } = new Dictionary<string, PreviousPlan>();
}
