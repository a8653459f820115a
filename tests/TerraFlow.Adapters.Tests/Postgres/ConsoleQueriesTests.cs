using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Postgres.Queries;
using TerraFlow.Application.Queries;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>
/// The console's read models against a real server: the runs list (newest first, each filter, keyset paging, only the
/// repositories asked for), held locks with their queues in order, and the runner backlog.
/// </summary>
public sealed class ConsoleQueriesTests
{
    private static async Task<NpgsqlDataSource> MigratedAsync(string name)
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync(name));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return db;
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> RepositoryAsync(NpgsqlDataSource db, string owner, string name)
    {
        await using var cmd = db.CreateCommand("insert into repositories (provider, owner, name) values ('github', $1, $2) returning id");
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(name);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> RunAsync(NpgsqlDataSource db, long repositoryId, string owner, string name, int? pr, string trigger, string status)
    {
        await using var cmd = db.CreateCommand("""
            insert into runs (provider, repo_owner, repo_name, pr_number, head_sha, base_sha, clone_url, status, operation_id, trigger_kind, repository_id)
            values ('github', $1, $2, $3, 'abc', 'def', 'https://example.invalid/x.git', $4, 'op', $5, $6) returning id
            """);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = pr, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(trigger);
        cmd.Parameters.AddWithValue(repositoryId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static RunListFilter Filter(int limit = 50, int? pr = null, string? trigger = null, string? status = null, long? before = null, string? repository = null) =>
        new(repository, pr, trigger, status, before, limit);

    [Fact]
    public async Task The_runs_list_is_newest_first_filtered_paged_by_keyset_and_limited_to_the_repositories_asked_for()
    {
        await using var db = await MigratedAsync("console_runs");
        var infra = await RepositoryAsync(db, "acme", "infra");
        var secret = await RepositoryAsync(db, "acme", "secret");
        var ids = new List<long>();
        for (var i = 1; i <= 5; i++) ids.Add(await RunAsync(db, infra, "acme", "infra", i, "pull_request", i % 2 == 0 ? "failed" : "planned"));
        var drift = await RunAsync(db, infra, "acme", "infra", null, "schedule", "planned");
        var hidden = await RunAsync(db, secret, "acme", "secret", 1, "pull_request", "planned");
        await ExecAsync(db, $"insert into project_runs (run_id, name, position, definition, status) values ({ids[1]}, 'network', 0, '{{}}', 'failed'), ({ids[1]}, 'app', 1, '{{}}', 'planned')");
        var queries = new PostgresConsoleQueries(db);

        var all = await queries.ListRunsAsync(Filter(), [infra], CancellationToken.None);
        Assert.Equal(new[] { drift }.Concat(ids.AsEnumerable().Reverse()), all.Runs.Select(r => r.Id));
        Assert.DoesNotContain(all.Runs, r => r.Id == hidden);
        Assert.Null(all.NextBefore);
        var second = all.Runs.Single(r => r.Id == ids[1]);
        Assert.Equal((2, 1, "acme/infra", 2), (second.Projects, second.ProjectsFailed, second.Repository, second.PullRequest));
        Assert.Equal(("schedule", (int?)null), (all.Runs[0].Trigger, all.Runs[0].PullRequest));

        // Keyset paging: three pages of two, no run twice, none left out.
        var seen = new List<long>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await queries.ListRunsAsync(Filter(limit: 2, before: before), [infra], CancellationToken.None);
            Assert.InRange(page.Runs.Count, 1, 2);
            seen.AddRange(page.Runs.Select(r => r.Id));
            before = page.NextBefore;
            pages++;
        } while (before is not null);
        Assert.Equal(3, pages);
        Assert.Equal(all.Runs.Select(r => r.Id), seen);

        Assert.Equal(new[] { ids[3], ids[1] }, (await queries.ListRunsAsync(Filter(status: "failed"), [infra], CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Equal(new[] { ids[2] }, (await queries.ListRunsAsync(Filter(pr: 3), [infra], CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Equal(new[] { drift }, (await queries.ListRunsAsync(Filter(trigger: "schedule"), [infra], CancellationToken.None)).Runs.Select(r => r.Id));
        Assert.Empty((await queries.ListRunsAsync(Filter(trigger: "manual"), [infra], CancellationToken.None)).Runs);
        Assert.Empty((await queries.ListRunsAsync(Filter(), [], CancellationToken.None)).Runs);
        Assert.Equal(new[] { hidden }, (await queries.ListRunsAsync(Filter(), [secret], CancellationToken.None)).Runs.Select(r => r.Id));

        var repos = await queries.RepositoriesAsync(CancellationToken.None);
        Assert.Equal(new[] { "acme/infra", "acme/secret" }, repos.Select(r => r.FullName));
    }

    [Fact]
    public async Task Locks_list_their_holder_and_the_queue_in_order_and_the_backlog_counts_queued_and_running_jobs()
    {
        await using var db = await MigratedAsync("console_locks");
        await ExecAsync(db, """
            insert into project_locks (provider, repo_owner, repo_name, lock_key, pr_number, acquired_at) values
              ('github', 'acme', 'infra', 'network::default', 7, '2026-12-01T10:00:00Z'),
              ('gitlab', 'group/sub', 'infra', 'envs/prod::blue', 3, '2026-12-01T11:00:00Z');
            insert into lock_queue (provider, repo_owner, repo_name, lock_key, pr_number, enqueued_at) values
              ('github', 'acme', 'infra', 'network::default', 9, '2026-12-01T10:05:00Z'),
              ('github', 'acme', 'infra', 'network::default', 8, '2026-12-01T10:06:00Z');
            """);
        var queries = new PostgresConsoleQueries(db);

        var locks = await queries.LocksAsync(CancellationToken.None);
        Assert.Equal(2, locks.Count);
        var network = locks.Single(l => l.Provider == "github");
        Assert.Equal(("acme/infra", "network", "default", 7), (network.Repository, network.Dir, network.Workspace, network.PullRequest));
        Assert.Equal(new[] { 9, 8 }, network.Waiters.Select(w => w.PullRequest));
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:05:00Z", System.Globalization.CultureInfo.InvariantCulture), network.Waiters[0].Since);
        var prod = locks.Single(l => l.Provider == "gitlab");
        Assert.Equal(("group/sub/infra", "envs/prod", "blue", 3), (prod.Repository, prod.Dir, prod.Workspace, prod.PullRequest));
        Assert.Empty(prod.Waiters);

        var idle = await queries.BacklogAsync(CancellationToken.None);
        Assert.Equal((0, 0, (double?)null), (idle.Queued, idle.Running, idle.OldestQueuedAgeSeconds));

        var repo = await RepositoryAsync(db, "acme", "infra");
        var run = await RunAsync(db, repo, "acme", "infra", 7, "pull_request", "planning");
        await ExecAsync(db, $$"""
            insert into jobs (run_id, kind, spec, status, available_at) values
              ({{run}}, 'plan', '{}', 'queued', now() - interval '90 seconds'),
              ({{run}}, 'plan', '{}', 'queued', now() - interval '10 seconds'),
              ({{run}}, 'plan', '{}', 'leased', now() - interval '300 seconds'),
              ({{run}}, 'plan', '{}', 'succeeded', now() - interval '900 seconds');
            """);
        var busy = await queries.BacklogAsync(CancellationToken.None);
        Assert.Equal((2, 1), (busy.Queued, busy.Running));
        Assert.InRange(busy.OldestQueuedAgeSeconds!.Value, 89, 150);
    }
}
