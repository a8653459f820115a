using Microsoft.Extensions.Logging;
using TerraFlow.Application.Links;
using TerraFlow.Core.Catalog;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;

namespace TerraFlow.Application.Drift;

/// <summary>
/// Records a finished drift job (from the workflow inbox): the default branch's drift configuration it read (projects
/// and schedules), the project's new drift state, and one outbox row per registered <see cref="IDriftReporter"/>, all
/// in one transaction. A result delivered twice finds its check finished and changes nothing.
/// </summary>
public sealed class DriftResultHandler(IDriftStore store, IEnumerable<IDriftReporter> reporters, DriftOptions options, DriftLinks links,
    TimeProvider clock, ILogger<DriftResultHandler> logger)
{
    private readonly IReadOnlyList<string> _reporters = reporters.Select(DriftReporterNames.Of).Distinct(StringComparer.Ordinal).ToList();

    public async Task RecordAsync(JobResult result, CancellationToken ct)
    {
        var outcome = result.Drift ?? new DriftOutcome(null, null, DriftState.Failed, null, "The runner reported no drift outcome.", null);
        // Whole microseconds, as PostgreSQL stores them: the first detection a report carries equals the one the next reads back.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10));
        await using var tx = await store.BeginAsync(ct);
        if (await tx.LoadCheckAsync(result.RunId, ct) is not { } check)
        {
            logger.LogInformation("Drift result of run {RunId} is already recorded (or its run is unknown); ignored", result.RunId);
            return;
        }
        if (outcome.Config is { } config)
            await SaveConfigAsync(tx, check.Repository, outcome.CommitSha, config, now, ct);
        var report = check.Project is { } project ? Report(check, project, outcome, now) : null;
        await tx.FinishCheckAsync(check, outcome, report, report is null ? [] : _reporters, ct);
        await tx.CommitAsync(ct);
        if (report is not null)
            logger.LogInformation("Drift check run {RunId} of {Owner}/{Repo} {Project}: {State}", check.RunId, check.Repository.Repo.Owner,
                check.Repository.Repo.Name, report.Project.Name, report.State);
    }

    private async Task SaveConfigAsync(IDriftTransaction tx, Repository repository, string? commit, DriftConfigReport config, DateTimeOffset now, CancellationToken ct)
    {
        if (config.Error is { } error)
        {
            // The last good schedules keep running; the error shows in GET /api/drift until the file is fixed.
            await tx.SaveConfigAsync(repository.Id, commit, error.ToString(), [], ct);
            return;
        }
        var stored = await tx.LoadSchedulesAsync(repository.Id, ct);
        var rows = new List<DriftScheduleRow>();
        foreach (var project in config.Projects)
        {
            var drift = (project.Drift ?? DriftSettings.Unset).Resolve(options.DefaultSchedule);
            var offset = DriftTimes.Offset(DriftLinks.RepositoryKey(repository), project.Name, drift.Window);
            DateTimeOffset? tick = null;
            if (drift.Schedule is { } cron && CronSchedule.TryParse(cron, drift.TimeZone, out var schedule, out _))
            {
                // An unchanged schedule keeps its timer; a new or changed one starts from now.
                tick = stored.TryGetValue(project.Name, out var old) && old.Schedule == cron && old.TimeZone == drift.TimeZone && old.Window == drift.Window && old.NextTick is not null
                    ? old.NextTick
                    : DriftTimes.NextTick(schedule!, null, now, offset);
            }
            else if (drift.Schedule is not null)
            {
                drift = drift with { Schedule = null };
            }
            rows.Add(new DriftScheduleRow(project.Name, project.Dir, project.Workspace, drift, offset, tick, tick + offset));
        }
        await tx.SaveConfigAsync(repository.Id, commit, null, rows, ct);
    }

    private DriftCheckResult Report(DriftCheckInProgress check, Project project, DriftOutcome outcome, DateTimeOffset now)
    {
        var drifted = outcome.State == DriftState.Drifted;
        var summary = outcome.State == DriftState.Failed ? null : outcome.Summary;
        return new DriftCheckResult(
            check.Repository,
            project,
            check.RunId,
            outcome.CommitSha ?? "",
            outcome.State,
            check.PreviousState,
            now,
            drifted ? (check.PreviousState == DriftState.Drifted ? check.FirstDetectedAt ?? now : now) : null,
            summary?.Counts,
            summary is null ? [] : Resources(summary),
            outcome.State == DriftState.Failed ? null : outcome.PlanText,
            outcome.State == DriftState.Failed ? outcome.Failure ?? "The drift check failed." : null,
            check.LockHolder,
            links.Run(check.RunId));
    }

    private static List<DriftedResource> Resources(PlanSummary summary) =>
        summary.ResourceChanges
            .Where(c => c.Action != ChangeAction.NoOp || c.IsMove || c.Importing)
            .Where(c => c.Action != ChangeAction.Read)
            .Select(c => new DriftedResource(c.Address, ActionName(c)))
            .ToList();

    private static string ActionName(ResourceChange change) => change switch
    {
        { IsReplace: true } => "replace",
        { Action: ChangeAction.Create } => "create",
        { Action: ChangeAction.Update } => "update",
        { Action: ChangeAction.Delete } => "delete",
        { Action: ChangeAction.Forget } => "forget",
        { Importing: true } => "import",
        { IsMove: true } => "move",
        _ => change.Action.ToString().ToLowerInvariant(),
    };
}

/// <summary>Links and names drift reports use.</summary>
public sealed class DriftLinks(string? publicUrl)
{
    /// <summary>The run's console page for people (<see cref="RunLinks.Page"/>); null without a public URL.</summary>
    public string? Run(long runId) => RunLinks.Page(publicUrl, runId);

    /// <summary>The run's JSON for scripts (<see cref="RunLinks.Api"/>); the path alone without a public URL.</summary>
    public string RunApi(long runId) => RunLinks.Api(publicUrl, runId) ?? RunLinks.ApiPath(runId);

    /// <summary>The repository as the offset hash sees it: <c>provider:owner/name</c>.</summary>
    public static string RepositoryKey(Repository repository) => $"{repository.Provider}:{repository.Repo.Owner}/{repository.Repo.Name}";
}

/// <summary>The stored name of a reporter in its outbox rows (the type's full name): a row goes to that reporter only.</summary>
public static class DriftReporterNames
{
    public static string Of(IDriftReporter reporter) => reporter.GetType().FullName ?? reporter.GetType().Name;
}
