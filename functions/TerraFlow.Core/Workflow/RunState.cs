using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>The workflow state of one pull-request run, as the decider sees it.</summary>
/// <param name="RequestedProject">Set when a <c>terraflow plan -p</c> comment asked for one project only.</param>
/// <param name="Explicit">True when a person asked for the plan (a comment); then autoplan-off projects are planned too.</param>
public sealed record RunState(
    long RunId,
    string HeadSha,
    RunStatus Status,
    string? RequestedProject,
    bool Explicit,
    ConfigError? ConfigError,
    string? FailureMessage,
    string? SupersededBySha,
    IReadOnlyList<ProjectRunState> Projects)
{
    public ProjectRunState? FindProject(string name) => Projects.FirstOrDefault(p => p.Definition.Name == name);

    /// <summary>The pull request was merged (its run is then closed once no apply is in flight).</summary>
    public bool Merged { get; init; }

    /// <summary>From discovery: the pull request changes rule files, which take effect only after merge (markdown, one line).</summary>
    public string? RuleNotice { get; init; }

    /// <summary>
    /// Planned without credentials because the pull request is not trusted (fork or author without write access,
    /// with <c>ForkPlans=restricted</c>): its plans can never be applied.
    /// </summary>
    public bool Untrusted { get; init; }

    /// <summary>When planning ended (the plan comment shows the plans from then on); null before that.</summary>
    public DateTimeOffset? PlannedAt { get; init; }
}

public sealed record ProjectRunState(
    ProjectDefinition Definition,
    ProjectRunStatus Status,
    PlanSummary? Plan,
    string? PlanFileSha256,
    PlanArtifactsRef? Artifacts,
    string? Error)
{
    /// <summary>Policy results of the plan (built-in rules and conftest), when policies ran.</summary>
    public PolicyOutcome? Policy { get; init; }

    /// <summary>The policy owner who overrode a denying policy with <c>terraflow approve-policies</c>.</summary>
    public Approval? PolicyOverride { get; init; }

    /// <summary>Approvals of this plan, one per approver (a second approval by the same person changes nothing).</summary>
    public IReadOnlyList<Approval> Approvals { get; init; } = [];

    /// <summary>The apply of this plan, once one was requested.</summary>
    public ApplyRecord? Apply { get; init; }

    /// <summary>With <see cref="ProjectRunStatus.WaitingForLock"/>: the pull request holding the project's lock.</summary>
    public int? WaitingBehind { get; init; }

    /// <summary>CODEOWNERS entries (<c>@user</c>, <c>@org/team</c>) of the project's changed files.</summary>
    public IReadOnlyList<string> CodeOwners { get; init; } = [];

    /// <summary>The project's input fingerprint and the base commit at discovery (smart re-plans, <see cref="CarriedPlans"/>).</summary>
    public PlanInputs? Inputs { get; init; }

    /// <summary>Set when the plan was carried forward from an earlier push: the head commit it was planned at.</summary>
    public string? UnchangedSince { get; init; }

    /// <summary>Outputs of the custom workflow's <c>run</c> steps in the last plan (masked), for the comment.</summary>
    public IReadOnlyList<CustomWorkflows.StepOutput> StepOutputs { get; init; } = [];
}

/// <summary>What a plan of a project was made from: its input fingerprint at the head and the base commit.</summary>
public sealed record PlanInputs(string Fingerprint, string BaseSha);

public enum ApprovalSource { Review, Comment, Link }

/// <summary>One recorded approval (or policy override): who, how, when.</summary>
/// <param name="Permission">The approver's repository permission when they approved.</param>
/// <param name="Teams">The teams named in the project's rules that the approver belonged to when they approved.</param>
public sealed record Approval(string User, ApprovalSource Source, DateTimeOffset At)
{
    public RepoPermission Permission { get; init; }

    public IReadOnlyList<string> Teams { get; init; } = [];
}

/// <summary>An apply of a stored plan file; <paramref name="PlanSha256"/> is the hash that was approved and applied.</summary>
/// <param name="Output">The end of the masked apply output, for the comment.</param>
public sealed record ApplyRecord(string RequestedBy, string PlanSha256, string? Output, string? Log, string? Error);

/// <summary>Artifact keys of a finished plan.</summary>
public sealed record PlanArtifactsRef(string PlanFile, string PlanJson, string PlanText, string Log);
