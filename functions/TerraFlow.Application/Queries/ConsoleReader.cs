using System.Text;
using TerraFlow.Application.Access;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Artifacts;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Queries;

/// <summary>
/// What a console user may read: every answer of <see cref="IRunQueries"/> and <see cref="IConsoleQueries"/> filtered
/// through <see cref="IRepositoryAccess"/>. A run, plan or lock of a repository the user cannot read is answered as
/// if it did not exist (null / left out), so neither a page nor the API tells that it exists.
/// </summary>
public sealed class ConsoleReader(IRunQueries runs, IConsoleQueries console, IWorkflowStore store, IArtifactStore artifacts, IRepositoryAccess access)
{
    /// <summary>Plan text beyond this is cut (the page and API say so); the full masked text stays in the artifact store.</summary>
    public const int MaxPlanTextCharacters = 1_000_000;

    public async Task<RunListPage> ListRunsAsync(ConsoleUser user, RunListFilter filter, CancellationToken ct)
    {
        var known = await console.RepositoriesAsync(ct);
        var cache = new AccessCache(access, user);
        var visible = new List<long>();
        foreach (var repo in known)
        {
            if (filter.Repository is { } wanted && !string.Equals(repo.FullName, wanted.Trim(), StringComparison.OrdinalIgnoreCase)) continue;
            if (await cache.LevelAsync(repo.Provider, repo.Owner, repo.Name, ct) >= RepositoryAccessLevel.Read) visible.Add(repo.Id);
        }
        return await console.ListRunsAsync(filter, visible, ct);
    }

    /// <summary>The run, or null when it does not exist or the user may not read its repository.</summary>
    public async Task<RunDetails?> RunAsync(ConsoleUser user, long runId, CancellationToken ct) =>
        await VisibleRunAsync(user, runId, ct) is null ? null : await runs.FindRunAsync(runId, ct);

    /// <summary>The run's audit trail, or null when the run is not visible to the user.</summary>
    public async Task<IReadOnlyList<RunAuditEvent>?> AuditEventsAsync(ConsoleUser user, long runId, CancellationToken ct) =>
        await VisibleRunAsync(user, runId, ct) is null ? null : await runs.AuditEventsAsync(runId, ct);

    /// <summary>What the user may do in the run's repository (None when the run does not exist).</summary>
    public async Task<RepositoryAccessLevel> RunAccessAsync(ConsoleUser user, long runId, CancellationToken ct)
    {
        var run = await store.LoadRunSnapshotAsync(runId, ct);
        return run is null ? RepositoryAccessLevel.None : await access.AccessAsync(user, Key(run), ct);
    }

    /// <summary>
    /// A project's plan as text, masked the way the pull request comment is (the runner masks sensitive values before
    /// it stores the text). Null when the run or project is not visible or has no plan text.
    /// </summary>
    public async Task<ProjectPlanText?> PlanTextAsync(ConsoleUser user, long runId, string project, CancellationToken ct)
    {
        if (await VisibleRunAsync(user, runId, ct) is not { } run) return null;
        if (run.State.FindProject(project) is not { Artifacts: { } a }) return null;
        var (text, truncated) = await ReadTextAsync(a.PlanText, ct);
        return text is null ? null : new ProjectPlanText(project, text, truncated);
    }

    /// <summary>A project's apply: status, who asked, the end of its masked output and, when stored, the full masked log.</summary>
    public async Task<ProjectApplyOutput?> ApplyOutputAsync(ConsoleUser user, long runId, string project, CancellationToken ct)
    {
        if (await VisibleRunAsync(user, runId, ct) is not { } run) return null;
        if (run.State.FindProject(project) is not { Apply: { } apply } p) return null;
        var (log, truncated) = apply.Log is { } key ? await ReadTextAsync(key, ct) : (null, false);
        return new ProjectApplyOutput(project, StatusText(p.Status), apply.RequestedBy, apply.Output, log, truncated, apply.Error);
    }

    /// <summary>The held locks of repositories the user may read.</summary>
    public async Task<IReadOnlyList<HeldLock>> LocksAsync(ConsoleUser user, CancellationToken ct) =>
        (await LockRowsAsync(user, ct)).Select(l => l.Lock).ToList();

    /// <summary>The held locks of repositories the user may read, each with what the user may do there.</summary>
    public async Task<IReadOnlyList<VisibleLock>> LockRowsAsync(ConsoleUser user, CancellationToken ct)
    {
        var cache = new AccessCache(access, user);
        var visible = new List<VisibleLock>();
        foreach (var l in await console.LocksAsync(ct))
        {
            var (owner, name) = SplitRepository(l.Repository);
            var level = await cache.LevelAsync(l.Provider, owner, name, ct);
            if (level >= RepositoryAccessLevel.Read) visible.Add(new VisibleLock(l, level));
        }
        return visible;
    }

    /// <summary>Everything the run page shows, or null when the run does not exist or is not visible to the user.</summary>
    public async Task<ConsoleRunPage?> RunPageAsync(ConsoleUser user, long runId, int maxPlanCharacters, CancellationToken ct)
    {
        var stored = await store.LoadRunSnapshotAsync(runId, ct);
        if (stored is null) return null;
        var level = await access.AccessAsync(user, Key(stored), ct);
        if (level < RepositoryAccessLevel.Read) return null;
        if (await runs.FindRunAsync(runId, ct) is not { } run) return null;
        var plans = new Dictionary<string, ProjectPlanText>();
        foreach (var p in stored.State.Projects)
        {
            if (p.Artifacts is not { } a || p.Plan is null) continue;
            var (text, truncated) = await ReadTextAsync(a.PlanText, ct, maxPlanCharacters);
            if (text is not null) plans[p.Definition.Name] = new ProjectPlanText(p.Definition.Name, text, truncated);
        }
        var applies = stored.State.Projects.Where(p => p.Apply is not null).ToDictionary(p => p.Definition.Name, p => p.Apply!.Output);
        return new ConsoleRunPage(run, await runs.AuditEventsAsync(runId, ct), level, stored.CommentIds, plans, applies, stored.State.PlannedAt);
    }

    public static (string Owner, string Name) SplitRepository(string fullName)
    {
        // GitLab owners are group paths with slashes; the repository's own name never has one.
        var slash = fullName.LastIndexOf('/');
        return slash < 0 ? ("", fullName) : (fullName[..slash], fullName[(slash + 1)..]);
    }

    private async Task<StoredRun?> VisibleRunAsync(ConsoleUser user, long runId, CancellationToken ct)
    {
        var run = await store.LoadRunSnapshotAsync(runId, ct);
        if (run is null) return null;
        return await access.AccessAsync(user, Key(run), ct) >= RepositoryAccessLevel.Read ? run : null;
    }

    private static RepositoryKey Key(StoredRun run) => new(run.Context.Provider, run.Context.Repo.Owner, run.Context.Repo.Name);

    private static string StatusText(ProjectRunStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private async Task<(string? Text, bool Truncated)> ReadTextAsync(string key, CancellationToken ct, int max = MaxPlanTextCharacters)
    {
        await using var stream = await artifacts.OpenReadAsync(key, ct);
        if (stream is null) return (null, false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[max + 1];
        var read = await reader.ReadBlockAsync(buffer, ct);
        return read > max ? (new string(buffer, 0, max), true) : (new string(buffer, 0, read), false);
    }

    /// <summary>One question per repository per request: the access port caches across requests, this within one.</summary>
    internal sealed class AccessCache(IRepositoryAccess access, ConsoleUser user)
    {
        private readonly Dictionary<(string, string, string), RepositoryAccessLevel> _levels = new();

        public async Task<RepositoryAccessLevel> LevelAsync(string provider, string owner, string name, CancellationToken ct)
        {
            var key = (provider, owner.ToLowerInvariant(), name.ToLowerInvariant());
            if (!_levels.TryGetValue(key, out var level))
                _levels[key] = level = await access.AccessAsync(user, new RepositoryKey(provider, owner, name), ct);
            return level;
        }
    }
}

/// <summary>A project's masked plan text; <see cref="Truncated"/> when it was cut at <see cref="ConsoleReader.MaxPlanTextCharacters"/>.</summary>
public sealed record ProjectPlanText(string Project, string Text, bool Truncated);

/// <summary>A project's apply as the console shows it (all text masked by the runner).</summary>
public sealed record ProjectApplyOutput(string Project, string Status, string RequestedBy, string? OutputTail, string? Log, bool LogTruncated, string? Error);

/// <summary>A held lock the user may see, and what they may do in its repository.</summary>
public sealed record VisibleLock(HeldLock Lock, RepositoryAccessLevel Access);

/// <summary>The run page: the run, its audit trail, the user's access, TerraFlow's comment ids, plan texts and apply outputs by project.</summary>
public sealed record ConsoleRunPage(
    RunDetails Run,
    IReadOnlyList<RunAuditEvent> Events,
    RepositoryAccessLevel Access,
    IReadOnlyList<long> CommentIds,
    IReadOnlyDictionary<string, ProjectPlanText> Plans,
    IReadOnlyDictionary<string, string?> ApplyOutputs,
    DateTimeOffset? PlannedAt);
