using TerraFlow.Core.Catalog;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Drift;

/// <summary>Drift timers, checks and states (PostgreSQL: <c>Adapters.Postgres/Drift</c>). Each transaction is one unit of work.</summary>
public interface IDriftStore
{
    Task<IDriftTransaction> BeginAsync(CancellationToken ct);
}

/// <summary>One transaction over the drift tables. Disposing without <see cref="CommitAsync"/> rolls back.</summary>
public interface IDriftTransaction : IAsyncDisposable
{
    /// <summary>
    /// Due project timers (<c>due_at &lt;= now</c>), locked <c>FOR UPDATE SKIP LOCKED</c>: another host's claim skips
    /// them until this transaction ends, and by then they are advanced.
    /// </summary>
    Task<IReadOnlyList<DueDriftCheck>> ClaimDueChecksAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Moves a claimed timer to its next tick (null = the schedule has no further occurrence).</summary>
    Task AdvanceAsync(long projectId, DateTimeOffset? nextTick, DateTimeOffset? nextDue, CancellationToken ct);

    /// <summary>
    /// Repositories whose drift configuration is due to be read (new ones get a row first), locked the same way and
    /// moved to <paramref name="next"/> in this transaction.
    /// </summary>
    Task<IReadOnlyList<long>> ClaimDueConfigReadsAsync(DateTimeOffset now, DateTimeOffset next, int limit, CancellationToken ct);

    /// <summary>
    /// Creates the check's run (trigger schedule or manual) and its drift job; null when the project or repository is
    /// unknown or the repository has no known clone URL. <paramref name="repositoryId"/> null: the project's.
    /// </summary>
    Task<long?> StartCheckAsync(long? repositoryId, long? projectId, RunTrigger trigger, DateTimeOffset? dueAt, CancellationToken ct);

    /// <summary>The unfinished check of <paramref name="runId"/> with what a report needs, locked; null when unknown or already recorded.</summary>
    Task<DriftCheckInProgress?> LoadCheckAsync(long runId, CancellationToken ct);

    /// <summary>The stored schedules of a repository's projects, by project name.</summary>
    Task<IReadOnlyDictionary<string, StoredDriftSchedule>> LoadSchedulesAsync(long repositoryId, CancellationToken ct);

    /// <summary>
    /// The default branch's configuration as read at <paramref name="commit"/>: projects upserted, their schedules
    /// replaced by <paramref name="schedules"/> (projects not in it are switched off), or, with
    /// <paramref name="configError"/>, only the error recorded (the last good schedules stay).
    /// </summary>
    Task SaveConfigAsync(long repositoryId, string? commit, string? configError, IReadOnlyList<DriftScheduleRow> schedules, CancellationToken ct);

    /// <summary>Finishes the check: its run, the project's drift state, and the reports to send (outbox).</summary>
    Task FinishCheckAsync(DriftCheckInProgress check, DriftOutcome outcome, DriftCheckResult? result, IReadOnlyList<string> reporters, CancellationToken ct);

    Task CommitAsync(CancellationToken ct);
}

public sealed record DueDriftCheck(long ProjectId, long RepositoryId, string RepositoryKey, string ProjectName,
    string Schedule, string? TimeZone, TimeSpan Offset, DateTimeOffset NextTick, DateTimeOffset DueAt);

public sealed record StoredDriftSchedule(string ProjectName, string? Schedule, string? TimeZone, TimeSpan Window, DateTimeOffset? NextTick, DateTimeOffset? DueAt);

/// <summary>A project's schedule as the configuration now says, with its timer (null when off).</summary>
public sealed record DriftScheduleRow(string ProjectName, string Dir, string Workspace, EffectiveDrift Drift, TimeSpan Offset, DateTimeOffset? NextTick, DateTimeOffset? DueAt);

/// <param name="Project">Null for a configuration-only check.</param>
/// <param name="LockHolder">The open pull request holding the project's lock now, e.g. <c>#12</c>.</param>
public sealed record DriftCheckInProgress(long RunId, Repository Repository, Project? Project, DriftState PreviousState,
    DateTimeOffset? FirstDetectedAt, string? LockHolder);
