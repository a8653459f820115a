using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Drift;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Catalog;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeGitLab;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Drift;

/// <summary>
/// The drift reporters as the host registers them (<see cref="DriftReportingServiceCollectionExtensions.AddDriftReporting"/>),
/// over a real PostgreSQL database (migrated) and the GitHub and GitLab stand-ins.
/// </summary>
internal sealed class DriftTestSetup : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private long _runId = 1000;

    private DriftTestSetup(ServiceProvider services, NpgsqlDataSource db, FakeGitHubServer github, FakeGitLabServer gitlab, TimeProvider time)
    {
        _services = services;
        Db = db;
        GitHub = github;
        GitLab = gitlab;
        Time = time;
    }

    public NpgsqlDataSource Db { get; }
    public FakeGitHubServer GitHub { get; }
    public FakeGitLabServer GitLab { get; }
    public TimeProvider Time { get; }
    public IReadOnlyList<IDriftReporter> Reporters => _services.GetServices<IDriftReporter>().ToList();
    public IDriftReporter IssueReporter => Reporters.OfType<DriftIssueReporter>().Single();
    public ContentRequestLimiter Limiter => _services.GetRequiredService<ContentRequestLimiter>();

    public static async Task<DriftTestSetup> StartAsync(
        string name, TimeProvider? time = null, Action<FakeGitHubOptions>? github = null, IDictionary<string, string?>? settings = null)
    {
        time ??= TimeProvider.System;
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync(name));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var githubOptions = new FakeGitHubOptions { Time = time };
        github?.Invoke(githubOptions);
        var githubServer = await FakeGitHubServer.StartAsync(githubOptions);
        var gitlabServer = await FakeGitLabServer.StartAsync(new FakeGitLabOptions { Time = time });

        var values = new Dictionary<string, string?>
        {
            ["TerraFlow:GitHub:ApiUrl"] = githubServer.ApiUrl,
            ["TerraFlow:GitHub:Token"] = githubServer.Token,
            ["TerraFlow:GitLab:ApiUrl"] = gitlabServer.ApiUrl,
            ["TerraFlow:GitLab:Token"] = gitlabServer.Token,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddSingleton(db);
        services.AddGitHub(config);
        services.AddGitLab(config);
        services.AddDriftReporting(config);
        return new DriftTestSetup(services.BuildServiceProvider(), db, githubServer, gitlabServer, time);
    }

    /// <summary>A repository and project row, as discovery leaves them.</summary>
    public async Task<(Repository Repository, Project Project)> AddProjectAsync(string provider, string owner, string repo, string project)
    {
        await using var cmd = Db.CreateCommand("""
            with r as (
                insert into repositories (provider, owner, name) values ($1, $2, $3)
                on conflict (provider, owner, name) do update set last_seen_at = now() returning id)
            insert into projects (repository_id, name, dir, workspace) select id, $4, $5, 'default' from r returning id, repository_id
            """);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(repo);
        cmd.Parameters.AddWithValue(project);
        cmd.Parameters.AddWithValue("infra/" + project);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var now = Time.GetUtcNow();
        var repository = new Repository(reader.GetInt64(1), provider, new RepoRef(owner, repo), null, now, now);
        return (repository, new Project(reader.GetInt64(0), repository.Id, project, "infra/" + project, "default", now, now));
    }

    public async Task ForgetIssueRowsAsync()
    {
        await using var cmd = Db.CreateCommand("delete from drift_issues");
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The result of a new check (a new run id each time).</summary>
    public DriftCheckResult Check((Repository Repository, Project Project) target, DriftState state, DriftState previous, int changed = 2)
    {
        var runId = Interlocked.Increment(ref _runId);
        var now = Time.GetUtcNow();
        return new DriftCheckResult(target.Repository, target.Project, runId, "0123456789abcdef0123456789abcdef01234567", state, previous, now,
            state == DriftState.Drifted ? now.AddHours(-1) : null,
            state == DriftState.Drifted ? new PlanCounts(0, changed, 0, 0, 0, 0) : null,
            state == DriftState.Drifted ? Enumerable.Range(0, changed).Select(i => new DriftedResource($"terraform_data.r{i}", "update")).ToList() : [],
            state == DriftState.Drifted ? $"Plan: 0 to add, {changed} to change, 0 to destroy." : null,
            state == DriftState.Failed ? "Error: Failed to install provider (init)" : null,
            LockHolder: null,
            RunUrl: $"https://terraflow.example.com/api/console/runs/{runId}");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await GitHub.DisposeAsync();
        await GitLab.DisposeAsync();
        await Db.DisposeAsync();
    }
}
