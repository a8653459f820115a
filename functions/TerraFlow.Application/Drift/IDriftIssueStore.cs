namespace TerraFlow.Application.Drift;

/// <summary>
/// A project's drift issue as TerraFlow last left it: which issue (<paramref name="IssueNumber"/>, GitHub's number or
/// GitLab's iid; null while one is being opened, so a retry after a crash searches before opening another), whether
/// TerraFlow left it open, and the run whose report completed last (so a redelivered report of that run does nothing).
/// </summary>
public sealed record DriftIssueRecord(long ProjectId, string Provider, long? IssueNumber, bool Open, long LastRunId, DateTimeOffset UpdatedAt);

/// <summary>Where the number of each project's drift issue is kept (PostgreSQL: table <c>drift_issues</c>).</summary>
public interface IDriftIssueStore
{
    Task<DriftIssueRecord?> GetAsync(long projectId, CancellationToken ct);

    /// <summary>
    /// Inserts or replaces the project's row, unless the stored one is from a later run (a late retry of an old report
    /// must not point the project back at an old state). Returns whether the row was written.
    /// </summary>
    Task<bool> SaveAsync(DriftIssueRecord record, CancellationToken ct);
}
