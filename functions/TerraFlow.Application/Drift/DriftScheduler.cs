using Microsoft.Extensions.Logging;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Drift;

/// <summary>
/// Starts the drift checks that are due. Each due timer is claimed with a row lock, advanced to its next tick and its
/// check (run + job) written in one transaction: two hosts polling the same database never both start it, a crash
/// before the commit leaves it due, and a host that was down over several ticks starts one check, not one per missed
/// tick (the next tick is computed from now, <see cref="DriftTimes.NextTick"/>). Driven by the standalone host's loop
/// and by the Functions timer's pass.
/// </summary>
public sealed class DriftScheduler(IDriftStore store, DriftOptions options, TimeProvider clock, ILogger<DriftScheduler> logger)
{
    /// <summary>Starts due checks and due configuration reads (one claim of at most <see cref="DriftOptions.BatchSize"/> each); returns how many.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var started = 0;
        await using var tx = await store.BeginAsync(ct);
        foreach (var due in await tx.ClaimDueChecksAsync(now, Math.Max(1, options.BatchSize), ct))
        {
            DateTimeOffset? next = null;
            if (CronSchedule.TryParse(due.Schedule, due.TimeZone, out var schedule, out var problem))
                next = DriftTimes.NextTick(schedule!, due.NextTick, now, due.Offset);
            else
                logger.LogWarning("Drift schedule of project {Project} no longer parses ({Problem}); switched off until its configuration is read again", due.ProjectName, problem);
            await tx.AdvanceAsync(due.ProjectId, next, next + due.Offset, ct);
            if (await tx.StartCheckAsync(due.RepositoryId, due.ProjectId, RunTrigger.Schedule, due.DueAt, ct) is { } runId)
            {
                started++;
                logger.LogInformation("Drift check of {Repository} {Project} due {Due:o} started as run {RunId}; next due {Next:o}",
                    due.RepositoryKey, due.ProjectName, due.DueAt, runId, next + due.Offset);
            }
        }
        if (options.ConfigRefreshInterval > TimeSpan.Zero)
        {
            foreach (var repositoryId in await tx.ClaimDueConfigReadsAsync(now, now + options.ConfigRefreshInterval, Math.Max(1, options.BatchSize), ct))
            {
                if (await tx.StartCheckAsync(repositoryId, null, RunTrigger.Schedule, null, ct) is not null) started++;
            }
        }
        await tx.CommitAsync(ct);
        return started;
    }

    /// <summary>
    /// Starts a check of one project now (<c>POST /api/projects/{id}/drift</c>), whatever its schedule; the timer is
    /// not moved. Null when the project is unknown or its repository's clone URL is not known.
    /// </summary>
    public async Task<long?> StartNowAsync(long projectId, CancellationToken ct)
    {
        await using var tx = await store.BeginAsync(ct);
        var runId = await tx.StartCheckAsync(null, projectId, RunTrigger.Manual, null, ct);
        await tx.CommitAsync(ct);
        return runId;
    }
}
