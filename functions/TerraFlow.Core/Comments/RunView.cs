using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>Everything the pull-request comment shows about one run. Built by the application from stored state.</summary>
public sealed record RunView(
    long RunId,
    string HeadSha,
    RunStatus Status,
    /// <summary>Head SHA of the run that replaced this one, when <see cref="Status"/> is Superseded.</summary>
    string? SupersededBySha,
    ConfigError? ConfigError,
    /// <summary>Any other reason the run failed before planning (e.g. the clone failed).</summary>
    string? FailureMessage,
    IReadOnlyList<ProjectView> Projects,
    /// <summary>TerraFlow's public base URL for links (e.g. logs), or null.</summary>
    string? PublicUrl)
{
    /// <summary>The pull request was merged; the heading says so.</summary>
    public bool Merged { get; init; }

    /// <summary>
    /// Warnings shown near the top (e.g. "merged with unapplied projects"). TerraFlow's own Markdown, one line each:
    /// line breaks are flattened and HTML outside code spans is escaped, but repository text must already be in code spans.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record ProjectView(
    string Name,
    string Dir,
    string Workspace,
    ProjectRunStatus Status,
    /// <summary>Parsed plan, when the plan finished.</summary>
    PlanSummary? Plan,
    /// <summary>Output of <c>terraform show -no-color</c>, when available.</summary>
    string? PlanText,
    /// <summary>Why the plan failed (already masked), when it failed.</summary>
    string? Error)
{
    /// <summary>Policy results of the plan, when policies ran.</summary>
    public PolicyOutcome? Policy { get; init; }

    /// <summary>Login of the policy owner who overrode a denying policy (with or without "@").</summary>
    public string? PolicyOverriddenBy { get; init; }

    /// <summary>Logins (with or without "@") of the people whose approval of this plan was recorded.</summary>
    public IReadOnlyList<string> ApprovedBy { get; init; } = [];

    /// <summary>Approvals the project needs (0 when approval is not required).</summary>
    public int ApprovalsRequired { get; init; }

    /// <summary>Absolute http(s) link to approve this project's plan; null when it cannot be approved now.</summary>
    public string? ApprovalUrl { get; init; }

    /// <summary>Unmet apply requirements in words, e.g. "needs 1 more approval from @org/platform" (one-line Markdown, see <see cref="RunView.Warnings"/>).</summary>
    public IReadOnlyList<string> ApplyBlockers { get; init; } = [];

    /// <summary>The apply of this plan, once one was requested (output and error already masked).</summary>
    public ApplyRecord? Apply { get; init; }

    /// <summary>With <see cref="ProjectRunStatus.WaitingForLock"/>: the pull request holding the lock.</summary>
    public int? WaitingBehind { get; init; }

    /// <summary>Absolute http(s) link to the full apply log, or null.</summary>
    public string? ApplyLogUrl { get; init; }

    /// <summary>The plan was carried forward from this earlier head commit (its inputs did not change since).</summary>
    public string? UnchangedSince { get; init; }

    /// <summary>Outputs of the project's custom workflow <c>run</c> steps (already masked).</summary>
    public IReadOnlyList<CustomWorkflows.StepOutput> StepOutputs { get; init; } = [];
}
