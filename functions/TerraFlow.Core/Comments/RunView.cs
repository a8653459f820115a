using TerraFlow.Core.Plans;
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
    string? PublicUrl);

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
    string? Error);
