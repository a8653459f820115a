using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>The compliance suite against the PostgreSQL job queue on a real server.</summary>
public sealed class PostgresJobTransportTests : JobTransportCompliance
{
    protected override async Task<JobTransportFixture> CreateFixtureAsync()
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("jobtransport"));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return new PostgresJobTransportFixture(db);
    }
}

/// <summary>
/// Jobs are rows written by <see cref="JobRepository.EnqueueAsync"/> under a run; results are workflow inbox rows;
/// a lapsed lease is put back by the host's own expired-lease sweep (<see cref="PostgresExpiredJobSweep"/>).
/// </summary>
internal sealed class PostgresJobTransportFixture(NpgsqlDataSource db) : JobTransportFixture
{
    public override IJobQueue CreateRunnerQueue() => new PostgresJobQueue(db, new JobQueueOptions { LeaseDuration = LeaseDuration });

    public override async Task<IReadOnlyList<long>> EnqueueAsync(int count, string kind = JobKinds.Discover)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var pr = new PullRequestInfo(new RepoRef("acme", "infra"), 1, "abc", "def", "f", "main", "/tmp/x", "octocat", true, false);
        var runId = await RunRepository.InsertAsync(conn, tx, new RunRepository.NewRun("github", pr, null, false, "op"), CancellationToken.None);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
            ids.Add(await JobRepository.EnqueueAsync(conn, tx, Spec(runId, kind), CancellationToken.None));
        await tx.CommitAsync();
        return ids;
    }

    public override async Task LetLeaseLapseAsync(JobLease lease)
    {
        await using (var lapse = db.CreateCommand("update jobs set lease_expires_at = now() - interval '1 second' where id = $1 and status = 'leased'"))
        {
            lapse.Parameters.AddWithValue(lease.JobId);
            await lapse.ExecuteNonQueryAsync();
        }
        // The host's lease sweep (ExpiredLeaseSweeper) finds it and requeues it (attempts are left).
        await new PostgresExpiredJobSweep(db).SweepExpiredLeasesAsync(100, CancellationToken.None);
    }

    public override async Task<IReadOnlyList<JobResult>> ReadResultsAsync()
    {
        await using var cmd = db.CreateCommand("select payload::text from workflow_inbox where kind = $1 order by id");
        cmd.Parameters.AddWithValue(InboxKinds.JobResult);
        await using var reader = await cmd.ExecuteReaderAsync();
        var results = new List<JobResult>();
        while (await reader.ReadAsync()) results.Add(StoreJson.Deserialize<JobResult>(reader.GetString(0)));
        return results;
    }

    public override ValueTask DisposeAsync() => db.DisposeAsync();
}
