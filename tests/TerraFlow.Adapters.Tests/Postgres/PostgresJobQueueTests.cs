using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>The PostgreSQL job queue and migrations, on a real server.</summary>
public sealed class PostgresJobQueueTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("queue"));
        await new SchemaMigrator(_db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<long> NewRunAsync(int jobs)
    {
        await using var conn = await _db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var pr = new PullRequestInfo(new RepoRef("acme", "infra"), 1, "abc", "def", "f", "main", "/tmp/x", "octocat", true, false);
        var runId = await RunRepository.InsertAsync(conn, tx, new NewRun("github", pr, null, false, "op"), CancellationToken.None);
        for (var i = 0; i < jobs; i++)
            await JobRepository.EnqueueAsync(conn, tx, new JobSpec(JobKinds.Discover, runId, "acme", "infra", null, "/tmp/x", "abc", "def", null, "op"), CancellationToken.None);
        await tx.CommitAsync();
        return runId;
    }

    private static JobResult Result(JobLease lease) =>
        new(lease.JobId, lease.Spec.RunId, JobKinds.Discover, new DiscoveryOutcome(true, null, null, [], []), null);

    [Fact]
    public async Task Concurrent_workers_claim_every_job_exactly_once()
    {
        await NewRunAsync(jobs: 60);
        var queue = new PostgresJobQueue(_db, new JobQueueOptions());
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (await queue.ClaimAsync($"w{w}", CancellationToken.None) is { } lease)
            {
                claimed.Add(lease.JobId);
                Assert.True(await queue.CompleteAsync(lease, Result(lease), CancellationToken.None));
            }
        })));

        Assert.Equal(60, claimed.Count);
        Assert.Equal(60, claimed.Distinct().Count());
        await using var cmd = _db.CreateCommand("select count(*) from workflow_inbox");
        Assert.Equal(60L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_cancelled_job_fences_out_its_holder()
    {
        var runId = await NewRunAsync(jobs: 1);
        var queue = new PostgresJobQueue(_db, new JobQueueOptions());
        var lease = await queue.ClaimAsync("w", CancellationToken.None);
        Assert.NotNull(lease);
        Assert.True(await queue.RenewAsync(lease, CancellationToken.None));

        await using (var conn = await _db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            Assert.Equal(1, await JobRepository.CancelRunJobsAsync(conn, tx, runId, CancellationToken.None));
            await tx.CommitAsync();
        }

        Assert.False(await queue.RenewAsync(lease, CancellationToken.None));
        Assert.False(await queue.CompleteAsync(lease, Result(lease), CancellationToken.None));
        await using var cmd = _db.CreateCommand("select count(*) from workflow_inbox");
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
        Assert.Null(await queue.ClaimAsync("w2", CancellationToken.None));
    }

    [Fact]
    public async Task A_stale_holder_cannot_complete_after_the_job_was_claimed_again()
    {
        await NewRunAsync(jobs: 1);
        var queue = new PostgresJobQueue(_db, new JobQueueOptions { LeaseDuration = TimeSpan.FromMilliseconds(200) });
        var first = (await queue.ClaimAsync("a", CancellationToken.None))!;
        await Task.Delay(400);
        // What the lease sweeper does for an expired lease.
        await using (var requeue = _db.CreateCommand("update jobs set status = 'queued', lease_token = null where lease_expires_at < now()"))
            Assert.Equal(1, await requeue.ExecuteNonQueryAsync());
        var second = (await queue.ClaimAsync("b", CancellationToken.None))!;

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(2, second.Attempt);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.False(await queue.CompleteAsync(first, Result(first), CancellationToken.None));
        Assert.True(await queue.CompleteAsync(second, Result(second), CancellationToken.None));
    }

    [Fact]
    public async Task Migrations_from_many_instances_at_once_apply_once()
    {
        var fresh = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("migrate"));
        await using var _ = fresh;
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            new SchemaMigrator(fresh, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None)));

        // Each embedded migration exactly once.
        var embedded = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.StartsWith("TerraFlow.Adapters.Postgres.Migrations.", StringComparison.Ordinal));
        await using var cmd = fresh.CreateCommand("select count(*) from schema_migrations");
        Assert.Equal((long)embedded, await cmd.ExecuteScalarAsync());
        Assert.True(embedded >= 2, "migrations are embedded resources");
    }
}
