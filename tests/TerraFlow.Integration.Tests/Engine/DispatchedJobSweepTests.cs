using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Application.Jobs;
using TerraFlow.Functions.Engine;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Engine;

/// <summary>
/// Jobs sent to Service Bus whose result never comes: the host gives up after the configured time (a plan fails, an
/// apply is interrupted), and a result that does come finishes the job so the sweep leaves it alone.
/// </summary>
public sealed class DispatchedJobSweepTests
{
    private static async Task<NpgsqlDataSource> MigratedAsync()
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("dispatch_sweep"));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return db;
    }

    private static async Task<long> DispatchedJobAsync(NpgsqlDataSource db, string kind, TimeSpan ago)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var pr = new PullRequestInfo(new RepoRef("acme", "infra"), 1, "abc", "def", "f", "main", "/tmp/x", "octocat", true, false);
        var runId = await RunRepository.InsertAsync(conn, tx, new RunRepository.NewRun("github", pr, null, false, "op"), CancellationToken.None);
        var project = new ProjectDefinition("network", "network", "default", ["**/*.tf"], [], true);
        var spec = new JobSpec(kind, runId, "acme", "infra", null, "/tmp/x", "abc", "def", project, "op");
        var id = await JobRepository.EnqueueAsync(conn, tx, spec, CancellationToken.None);
        await using (var cmd = new NpgsqlCommand("update jobs set status = 'dispatched', dispatched_at = now() - $2 where id = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(ago);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return id;
    }

    private static async Task<string?> TextAsync(NpgsqlDataSource db, string sql, long id)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(id);
        return (await cmd.ExecuteScalarAsync())?.ToString();
    }

    [Fact]
    public async Task Overdue_plans_fail_overdue_applies_are_interrupted_and_recent_ones_wait()
    {
        await using var db = await MigratedAsync();
        var sweeper = new ExpiredLeaseSweeper(new PostgresExpiredJobSweep(db), NullLogger<ExpiredLeaseSweeper>.Instance, new EngineOptions { DispatchedResultTimeout = TimeSpan.FromHours(2) });
        var overduePlan = await DispatchedJobAsync(db, JobKinds.Plan, TimeSpan.FromHours(3));
        var overdueApply = await DispatchedJobAsync(db, JobKinds.Apply, TimeSpan.FromHours(3));
        var recent = await DispatchedJobAsync(db, JobKinds.Plan, TimeSpan.FromMinutes(30));

        Assert.Equal(2, await sweeper.SweepAsync(CancellationToken.None));

        Assert.Equal("failed", await TextAsync(db, "select status from jobs where id = $1", overduePlan));
        Assert.Equal("failed", await TextAsync(db, "select status from jobs where id = $1", overdueApply));
        Assert.Equal("dispatched", await TextAsync(db, "select status from jobs where id = $1", recent));
        var plan = StoreJson.Deserialize<JobResult>((await TextAsync(db, "select payload::text from workflow_inbox where payload->>'jobId' = $1::text", overduePlan))!);
        Assert.False(plan.Plan!.Succeeded);
        Assert.Contains("No runner reported a result within 120 minutes", plan.Plan.Error);
        var apply = StoreJson.Deserialize<JobResult>((await TextAsync(db, "select payload::text from workflow_inbox where payload->>'jobId' = $1::text", overdueApply))!);
        Assert.True(apply.Apply!.Interrupted);
        Assert.Contains("will not retry it automatically", apply.Apply.Error);

        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None)); // nothing twice
    }

    [Fact]
    public async Task A_result_from_service_bus_finishes_the_dispatched_job()
    {
        await using var db = await MigratedAsync();
        var id = await DispatchedJobAsync(db, JobKinds.Plan, TimeSpan.FromHours(3));
        var runId = long.Parse((await TextAsync(db, "select run_id from jobs where id = $1", id))!, System.Globalization.CultureInfo.InvariantCulture);
        var result = new JobResult(id, runId, JobKinds.Plan, null, new PlanOutcome("network", true, null, new string('a', 64), null, null));

        Assert.Equal(JobResultIntakeOutcome.Accepted, await new PostgresJobResultIntake(db).RecordAsync(new JobResultDelivery("m-1", 1, result, null), CancellationToken.None));

        Assert.Equal("succeeded", await TextAsync(db, "select status from jobs where id = $1", id));
        var sweeper = new ExpiredLeaseSweeper(new PostgresExpiredJobSweep(db), NullLogger<ExpiredLeaseSweeper>.Instance, new EngineOptions());
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
    }
}
