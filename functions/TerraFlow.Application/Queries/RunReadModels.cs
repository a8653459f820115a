using TerraFlow.Core.Plans;

namespace TerraFlow.Application.Queries;

// The read models of IRunQueries. Their property names and order are the runs API's JSON (camelCase): renaming one
// changes what operators' scripts read. Enum values are their stored snake_case text ("awaiting_approval").

/// <summary>A run: where it comes from, where it stands, and each project's plan, policies, approvals and apply.</summary>
public sealed record RunDetails(
    long Id,
    string Provider,
    string Repository,
    int PullRequest,
    string HeadSha,
    string BaseSha,
    string Status,
    string? RequestedProject,
    string? SupersededBy,
    string? ConfigError,
    string? Failure,
    bool Merged,
    IReadOnlyList<ProjectDetails> Projects);

/// <summary>One project of a run. Counts only: plan contents stay in the artifact store.</summary>
public sealed record ProjectDetails(
    string Name,
    string Dir,
    string Workspace,
    string Status,
    PlanCounts? Counts,
    string? PlanSha256,
    string? Error,
    PolicyDetails? Policy,
    IReadOnlyList<ApprovalDetails> Approvals,
    ApplyDetails? Apply,
    int? WaitingBehind);

public sealed record PolicyDetails(bool Denied, string? Error, IReadOnlyList<PolicyResultDetails> Results, string? OverriddenBy);

public sealed record PolicyResultDetails(string Rule, string Source, string Severity, string Message, IReadOnlyList<string> Resources);

public sealed record ApprovalDetails(string User, string Source, DateTimeOffset At);

public sealed record ApplyDetails(string RequestedBy, string PlanSha256, string? Error);

/// <summary>One entry of a run's audit trail.</summary>
public sealed record RunAuditEvent(long Id, DateTimeOffset At, string Actor, string Action, string Detail, string? DeliveryId);
