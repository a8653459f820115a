using TerraFlow.Core.Plans;

namespace TerraFlow.Application.Drift;

/// <summary>Read-only questions for <c>GET /api/drift</c> and the console's drift page.</summary>
public interface IDriftQueries
{
    Task<DriftOverview> OverviewAsync(CancellationToken ct);

    /// <summary>One project's standing (for authorizing a check of it), or null when there is no such project.</summary>
    Task<DriftProjectView?> ProjectAsync(long projectId, CancellationToken ct);
}

/// <summary>Every known project's drift standing, and each repository's drift configuration reading.</summary>
public sealed record DriftOverview(IReadOnlyList<DriftProjectView> Projects, IReadOnlyList<DriftRepositoryView> Repositories);

/// <param name="State">never, clean, drifted or failed: the last finished check.</param>
/// <param name="Schedule">The effective cron (server default included); null = off.</param>
/// <param name="LastRunId">The last finished check's run (<c>/api/runs/{id}</c>).</param>
/// <param name="RunningRunId">A check started and not finished yet, if any.</param>
public sealed record DriftProjectView(
    long ProjectId,
    string Provider,
    string Repository,
    string Project,
    string Dir,
    string Workspace,
    string State,
    string? Schedule,
    string? TimeZone,
    int WindowSeconds,
    string Remediation,
    DateTimeOffset? NextDueAt,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? FirstDetectedAt,
    long? LastRunId,
    string? RunUrl,
    string? CommitSha,
    string? Failure,
    string? LockHolder,
    PlanCounts? Counts,
    long? RunningRunId,
    string? ConfigError);

/// <param name="ConfigError">The default branch's <c>.terraflow.yml</c> error (<c>file:line:column: message</c>); null when it read cleanly.</param>
public sealed record DriftRepositoryView(long RepositoryId, string Provider, string Repository, DateTimeOffset? ConfigCheckedAt,
    string? ConfigCommit, string? ConfigError, DateTimeOffset? NextConfigReadAt);
