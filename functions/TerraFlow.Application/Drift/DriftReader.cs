using TerraFlow.Application.Access;
using TerraFlow.Application.Queries;

namespace TerraFlow.Application.Drift;

/// <summary>
/// Drift as a console user may see and operate it: <see cref="IDriftQueries"/> filtered through
/// <see cref="IRepositoryAccess"/> (a repository the user cannot read shows none of its projects), and "check now"
/// only with operate access to the project's repository. A project the user cannot read is answered as if it did not
/// exist, so neither the page nor the API tells that it exists.
/// </summary>
public sealed class DriftReader(IDriftQueries drift, IRepositoryAccess access, DriftScheduler scheduler)
{
    /// <summary>The projects and repositories the user may read, each project with what the user may do there.</summary>
    public async Task<VisibleDrift> OverviewAsync(ConsoleUser user, CancellationToken ct)
    {
        var all = await drift.OverviewAsync(ct);
        var cache = new ConsoleReader.AccessCache(access, user);
        var projects = new List<VisibleDriftProject>();
        foreach (var p in all.Projects)
        {
            var level = await LevelAsync(cache, p.Provider, p.Repository, ct);
            if (level >= RepositoryAccessLevel.Read) projects.Add(new VisibleDriftProject(p, level));
        }
        var repositories = new List<DriftRepositoryView>();
        foreach (var r in all.Repositories)
            if (await LevelAsync(cache, r.Provider, r.Repository, ct) >= RepositoryAccessLevel.Read) repositories.Add(r);
        return new VisibleDrift(projects, repositories);
    }

    /// <summary>Starts a check of <paramref name="projectId"/> now, if the user may operate its repository.</summary>
    public async Task<DriftStart> StartAsync(ConsoleUser user, long projectId, CancellationToken ct)
    {
        if (await drift.ProjectAsync(projectId, ct) is not { } project) return new DriftStart(DriftStartOutcome.NotFound, null, null);
        var level = await LevelAsync(new ConsoleReader.AccessCache(access, user), project.Provider, project.Repository, ct);
        if (level < RepositoryAccessLevel.Read) return new DriftStart(DriftStartOutcome.NotFound, null, null);
        if (level < RepositoryAccessLevel.Operate) return new DriftStart(DriftStartOutcome.Forbidden, null, project);
        return await scheduler.StartNowAsync(projectId, ct) is { } runId
            ? new DriftStart(DriftStartOutcome.Started, runId, project)
            : new DriftStart(DriftStartOutcome.NotFound, null, project);
    }

    private static Task<RepositoryAccessLevel> LevelAsync(ConsoleReader.AccessCache cache, string provider, string repository, CancellationToken ct)
    {
        var (owner, name) = ConsoleReader.SplitRepository(repository);
        return cache.LevelAsync(provider, owner, name, ct);
    }
}

/// <summary>What the user may read of drift: projects (with the user's access to each one's repository) and repositories.</summary>
public sealed record VisibleDrift(IReadOnlyList<VisibleDriftProject> Projects, IReadOnlyList<DriftRepositoryView> Repositories)
{
    /// <summary>The JSON of <c>GET /api/drift</c>: the same shape as <see cref="DriftOverview"/>, only what the user may read.</summary>
    public DriftOverview ToOverview() => new(Projects.Select(p => p.Project).ToList(), Repositories);
}

public sealed record VisibleDriftProject(DriftProjectView Project, RepositoryAccessLevel Access);

public enum DriftStartOutcome
{
    Started,

    /// <summary>No such project, the user cannot read its repository, or its clone URL is not known yet.</summary>
    NotFound,

    /// <summary>The user reads the repository but may not operate it.</summary>
    Forbidden,
}

/// <param name="Project">The project, when the user may read it.</param>
public sealed record DriftStart(DriftStartOutcome Outcome, long? RunId, DriftProjectView? Project);
