using TerraFlow.Application.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Catalog;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>Repositories, projects and run triggers (migration 0010), on a real server.</summary>
public sealed class CatalogTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() =>
        _db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("catalog"));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task MigrateAsync() => new SchemaMigrator(_db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);

    /// <summary>Applies the embedded migrations before <paramref name="version"/> the way SchemaMigrator records them.</summary>
    private async Task MigrateBeforeAsync(string version)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        const string prefix = "TerraFlow.Adapters.Postgres.Migrations.";
        await using var conn = await _db.OpenConnectionAsync();
        await Exec(conn, "create table schema_migrations (version text primary key, applied_at timestamptz not null default now())");
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var migration = name[prefix.Length..^".sql".Length];
            if (string.CompareOrdinal(migration, version) >= 0) break;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            await Exec(conn, await reader.ReadToEndAsync());
            await Exec(conn, "insert into schema_migrations (version) values ($1)", migration);
        }
    }

    private static async Task<object?> Exec(NpgsqlConnection conn, string sql, params object?[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync();
    }

    private async Task<long> OldRunAsync(NpgsqlConnection conn, string repo, int pr, long? installation, string cloneUrl, params (string Name, string Dir, string Workspace)[] projects)
    {
        var id = (long)(await Exec(conn, """
            insert into runs (provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url, status, operation_id)
            values ('github', 'acme', $1, $2, $3, 'h', 'b', $4, 'planned', 'op') returning id
            """, repo, installation, pr, cloneUrl))!;
        var position = 0;
        foreach (var (name, dir, workspace) in projects)
            await Exec(conn, "insert into project_runs (run_id, name, position, definition, status) values ($1, $2, $3, $4::jsonb, 'planned')",
                id, name, position++, $$"""{"name":"{{name}}","dir":"{{dir}}","workspace":"{{workspace}}","whenModified":[],"dependsOn":[],"autoplan":true}""");
        return id;
    }

    [Fact]
    public async Task Migration_0010_keeps_existing_runs_and_files_them_under_their_repositories_and_projects()
    {
        await MigrateBeforeAsync("0010");
        long first, second, other;
        await using (var conn = await _db.OpenConnectionAsync())
        {
            first = await OldRunAsync(conn, "infra", 7, null, "https://github.com/acme/infra.git", ("net", "network", "default"));
            second = await OldRunAsync(conn, "infra", 8, 42, "https://github.com/acme/infra.git", ("net", "net2", "prod"), ("app", "app", "default"));
            other = await OldRunAsync(conn, "other", 1, 5, "https://github.com/acme/other.git");
        }

        await MigrateAsync();

        await using var db = await _db.OpenConnectionAsync();
        Assert.Equal(3L, await Exec(db, "select count(*) from runs"));
        Assert.Equal(0L, await Exec(db, "select count(*) from runs where trigger_kind <> 'pull_request' or repository_id is null"));
        var stored = await RunRepository.LoadAsync(db, null, second, forUpdate: false, CancellationToken.None);
        Assert.Equal(RunTrigger.PullRequest, stored!.Context.Trigger);
        Assert.Equal(8, stored.Context.PullRequestNumber);
        Assert.Equal(RunStatus.Planned, stored.State.Status);
        Assert.Equal(["net", "app"], stored.State.Projects.Select(p => p.Definition.Name));

        var infra = await CatalogRepository.RepositoryOfRunAsync(db, null, first, CancellationToken.None);
        Assert.Equal(new RepoRef("acme", "infra", 42), infra!.Repo); // the newest run's installation
        Assert.Equal("https://github.com/acme/infra.git", infra.CloneUrl);
        Assert.Equal(infra.Id, (await CatalogRepository.RepositoryOfRunAsync(db, null, second, CancellationToken.None))!.Id);
        var otherRepo = await CatalogRepository.RepositoryOfRunAsync(db, null, other, CancellationToken.None);
        Assert.NotEqual(infra.Id, otherRepo!.Id);

        var projects = await CatalogRepository.ProjectsAsync(db, null, infra.Id, CancellationToken.None);
        Assert.Equal([("app", "app", "default"), ("net", "net2", "prod")], projects.Select(p => (p.Name, p.Dir, p.Workspace))); // newest definition wins
        Assert.Empty(await CatalogRepository.ProjectsAsync(db, null, otherRepo.Id, CancellationToken.None));
    }

    private static PullRequestInfo Pr(int number, string cloneUrl = "https://github.com/acme/infra.git", bool fork = false, long? installation = 42) =>
        new(new RepoRef("acme", "infra", installation), number, "h" + number, "b", "feature", "main", cloneUrl, "octocat", true, false) { FromFork = fork };

    private async Task<long> StartAsync(NpgsqlConnection conn, NewRun run)
    {
        await using var tx = await conn.BeginTransactionAsync();
        var id = await RunRepository.InsertAsync(conn, tx, run, CancellationToken.None);
        await tx.CommitAsync();
        return id;
    }

    [Fact]
    public async Task A_pull_request_run_records_its_repository_and_its_discovery_records_the_projects()
    {
        await MigrateAsync();
        await using var db = await _db.OpenConnectionAsync();
        var runId = await StartAsync(db, new NewRun("github", Pr(3), null, false, "op"));

        var repo = await CatalogRepository.RepositoryOfRunAsync(db, null, runId, CancellationToken.None);
        Assert.Equal(new RepoRef("acme", "infra", 42), repo!.Repo);
        Assert.Equal("https://github.com/acme/infra.git", repo.CloneUrl);

        // Discovery finds two projects: saving the run's state records them for the repository, in its transaction.
        await using (var tx = await db.BeginTransactionAsync())
        {
            var before = (await RunRepository.LoadAsync(db, tx, runId, forUpdate: true, CancellationToken.None))!.State;
            ProjectRunState Project(string name, string dir, string workspace) =>
                new(new ProjectDefinition(name, dir, workspace, ["*.tf"], [], true), ProjectRunStatus.Queued, null, null, null, null);
            var after = before with { Status = RunStatus.Planning, Projects = [Project("net", "network", "default"), Project("app", "apps/web", "prod")] };
            var batch = new SqlBatch(db, tx);
            RunRepository.AddSaveState(batch, before, after);
            await batch.ExecuteAsync(CancellationToken.None);
            await tx.RollbackAsync(); // nothing is recorded unless the run's state is
        }
        Assert.Empty(await CatalogRepository.ProjectsAsync(db, null, repo.Id, CancellationToken.None));
        await using (var tx = await db.BeginTransactionAsync())
        {
            var before = (await RunRepository.LoadAsync(db, tx, runId, forUpdate: true, CancellationToken.None))!.State;
            var after = before with { Status = RunStatus.Planning, Projects = [new(new ProjectDefinition("net", "network", "default", [], [], true), ProjectRunStatus.Queued, null, null, null, null)] };
            var batch = new SqlBatch(db, tx);
            RunRepository.AddSaveState(batch, before, after);
            await batch.ExecuteAsync(CancellationToken.None);
            await tx.CommitAsync();
        }
        var projects = await CatalogRepository.ProjectsAsync(db, null, repo.Id, CancellationToken.None);
        Assert.Equal([("net", "network", "default")], projects.Select(p => (p.Name, p.Dir, p.Workspace)));

        // A later pull request of the same repository (here from a fork, on a new installation) reuses the row; a
        // fork's clone URL is not the repository's.
        var forkRun = await StartAsync(db, new NewRun("github", Pr(4, "https://github.com/mallory/infra.git", fork: true, installation: 43), null, false, "op"));
        var again = await CatalogRepository.RepositoryOfRunAsync(db, null, forkRun, CancellationToken.None);
        Assert.Equal(repo.Id, again!.Id);
        Assert.Equal(43, again.Repo.InstallationId);
        Assert.Equal("https://github.com/acme/infra.git", again.CloneUrl);
        Assert.True(again.LastSeenAt >= repo.LastSeenAt);
        Assert.Equal(repo.FirstSeenAt, again.FirstSeenAt);
        Assert.Equal(1L, await Exec(db, "select count(*) from repositories"));
    }

    [Theory]
    [InlineData(RunTrigger.Schedule)]
    [InlineData(RunTrigger.Manual)]
    public async Task A_run_without_a_pull_request_keeps_its_trigger_and_has_no_number(RunTrigger trigger)
    {
        await MigrateAsync();
        await using var db = await _db.OpenConnectionAsync();
        var runId = await StartAsync(db, new NewRun("github", Pr(9), null, false, "op") { Trigger = trigger });

        var stored = await RunRepository.LoadAsync(db, null, runId, forUpdate: false, CancellationToken.None);
        Assert.Equal(trigger, stored!.Context.Trigger);
        Assert.Equal(0, stored.Context.PullRequestNumber);
        Assert.Equal(DBNull.Value, await Exec(db, "select pr_number from runs where id = $1", runId) ?? DBNull.Value);
        Assert.NotNull(await CatalogRepository.RepositoryOfRunAsync(db, null, runId, CancellationToken.None));

        var prRun = await StartAsync(db, new NewRun("github", Pr(10), null, false, "op"));
        Assert.Equal(RunTrigger.PullRequest, (await RunRepository.LoadAsync(db, null, prRun, forUpdate: false, CancellationToken.None))!.Context.Trigger);
    }

    [Fact]
    public async Task A_pull_request_run_without_a_number_is_refused()
    {
        await MigrateAsync();
        await using var db = await _db.OpenConnectionAsync();
        var ex = await Assert.ThrowsAsync<PostgresException>(() => Exec(db, """
            insert into runs (provider, repo_owner, repo_name, pr_number, head_sha, base_sha, clone_url, status, operation_id, trigger_kind)
            values ('github', 'acme', 'infra', null, 'h', 'b', 'u', 'planned', 'op', 'pull_request')
            """));
        Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
    }

    [Fact]
    public async Task A_discovery_records_its_projects_without_waiting_for_another_open_discovery_of_the_repository()
    {
        await MigrateAsync();
        await using var first = await _db.OpenConnectionAsync();
        await using var second = await _db.OpenConnectionAsync();
        var run1 = await StartAsync(first, new NewRun("github", Pr(5), null, false, "op"));
        var run2 = await StartAsync(first, new NewRun("github", Pr(6), null, false, "op"));
        var run3 = await StartAsync(first, new NewRun("github", Pr(7), null, false, "op"));
        await using (var tx = await first.BeginTransactionAsync())
        {
            await SaveDiscoveryAsync(first, tx, run1, ("net", "network"));
            await tx.CommitAsync();
        }

        // Run 2's discovery moves "net" and stays open; run 3's discovery (another directory for "net", and a new
        // project) must not wait for it: a wait fails here after the lock timeout instead of hanging.
        await using var open = await first.BeginTransactionAsync();
        await SaveDiscoveryAsync(first, open, run2, ("net", "stacks/two"));
        await using (var tx = await second.BeginTransactionAsync())
        {
            await Exec(second, "set local lock_timeout = '2s'");
            await SaveDiscoveryAsync(second, tx, run3, ("app", "apps/web"), ("net", "stacks/three"));
            await tx.CommitAsync();
        }
        await open.CommitAsync();

        // The row being refreshed was left to the open discovery, which wrote its view when it committed.
        var repo = await CatalogRepository.RepositoryOfRunAsync(first, null, run1, CancellationToken.None);
        var projects = await CatalogRepository.ProjectsAsync(first, null, repo!.Id, CancellationToken.None);
        Assert.Equal([("app", "apps/web"), ("net", "stacks/two")], projects.Select(p => (p.Name, p.Dir)));
    }

    private static async Task SaveDiscoveryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, params (string Name, string Dir)[] found)
    {
        var before = (await RunRepository.LoadAsync(conn, tx, runId, forUpdate: true, CancellationToken.None))!.State;
        var after = before with
        {
            Status = RunStatus.Planning,
            Projects = [.. found.Select(p => new ProjectRunState(new ProjectDefinition(p.Name, p.Dir, "default", ["*.tf"], [], true), ProjectRunStatus.Queued, null, null, null, null))],
        };
        var batch = new SqlBatch(conn, tx);
        RunRepository.AddSaveState(batch, before, after);
        await batch.ExecuteAsync(CancellationToken.None);
    }
}
