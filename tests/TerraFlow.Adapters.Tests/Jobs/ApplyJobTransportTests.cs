using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// An apply is never run twice by a transport: it gets one attempt, a lost one is reported interrupted (never
/// retried), and cancelling a run does not pull a running apply out from under its runner.
/// </summary>
public sealed class ApplyJobTransportTests
{
    [Fact]
    public async Task A_redelivered_apply_message_is_reported_interrupted_and_dead_lettered_instead_of_being_applied_again()
    {
        await using var f = ServiceBusJobTransportFixture.Start(maxAttempts: 3);
        var jobId = (await f.EnqueueAsync(1, JobKinds.Apply)).Single();
        var queue = f.CreateServiceBusQueue();
        var first = (await queue.ClaimAsync("w", CancellationToken.None))!;
        Assert.Equal(JobKinds.Apply, first.Spec.Kind);
        await f.LetLeaseLapseAsync(first); // the runner that held it died mid-apply

        Assert.Null(await f.CreateServiceBusQueue().ClaimAsync("w2", CancellationToken.None));

        var result = Assert.Single(await f.ReadResultsAsync());
        Assert.Equal(jobId, result.JobId);
        Assert.Equal(JobKinds.Apply, result.Kind);
        Assert.NotNull(result.Apply);
        Assert.False(result.Apply.Succeeded);
        Assert.True(result.Apply.Interrupted);
        Assert.Contains("state", result.Apply.Error, StringComparison.Ordinal);
        Assert.Contains("new plan", result.Apply.Error, StringComparison.Ordinal);
        Assert.Equal(0, f.JobsQueue.ActiveCount);
        // Settled deliberately: kept on the dead-letter queue for an operator, never handed to a second runner.
        var dead = Assert.Single(f.JobsQueue.DeadLettered);
        Assert.Equal(TerraFlow.Adapters.Azure.ServiceBus.ServiceBusJobQueue.ApplyNotRetriedReason, dead.DeadLetterReason);
        // The first runner, if it comes back, is fenced out: its lock is gone.
        Assert.False(await queue.RenewAsync(first, CancellationToken.None));
        Assert.False(await queue.CompleteAsync(first, result, CancellationToken.None));
    }

    [Fact]
    public async Task A_first_delivery_of_an_apply_is_run_normally()
    {
        await using var f = ServiceBusJobTransportFixture.Start();
        await f.EnqueueAsync(1, JobKinds.Apply);
        var lease = await f.CreateServiceBusQueue().ClaimAsync("w", CancellationToken.None);
        Assert.NotNull(lease);
        Assert.Equal(1, lease.Attempt);
        Assert.Empty(await f.ReadResultsAsync());
    }

    [Fact]
    public async Task An_apply_job_gets_one_attempt_and_other_jobs_keep_three()
    {
        await using var db = await MigratedAsync();
        var fixture = new PostgresJobTransportFixture(db);
        var apply = (await fixture.EnqueueAsync(1, JobKinds.Apply)).Single();
        var plan = (await fixture.EnqueueAsync(1, JobKinds.Plan)).Single();

        Assert.Equal(1, await ScalarAsync<int>(db, "select max_attempts from jobs where id = $1", apply));
        Assert.Equal(3, await ScalarAsync<int>(db, "select max_attempts from jobs where id = $1", plan));
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_its_plans_but_never_an_apply_queued_or_running()
    {
        await using var db = await MigratedAsync();
        var fixture = new PostgresJobTransportFixture(db);
        var runningApply = (await fixture.EnqueueAsync(1, JobKinds.Apply)).Single();
        var runId = await ScalarAsync<long>(db, "select run_id from jobs where id = $1", runningApply);
        long runningPlan, queuedApply;
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            runningPlan = await JobRepository.EnqueueAsync(conn, tx, Spec(runId, JobKinds.Plan), CancellationToken.None);
            await tx.CommitAsync();
        }
        var queue = new PostgresJobQueue(db, new JobQueueOptions { LeaseDuration = TimeSpan.FromMinutes(1) });
        var applyLease = (await queue.ClaimAsync("runner-a", CancellationToken.None))!;
        var planLease = (await queue.ClaimAsync("runner-b", CancellationToken.None))!;
        Assert.Equal((runningApply, runningPlan), (applyLease.JobId, planLease.JobId));
        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            queuedApply = await JobRepository.EnqueueAsync(conn, tx, Spec(runId, JobKinds.Apply), CancellationToken.None);
            await tx.CommitAsync();
        }

        await using (var conn = await db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            Assert.Equal(1, await JobRepository.CancelRunJobsAsync(conn, tx, runId, CancellationToken.None));
            await tx.CommitAsync();
        }

        Assert.Equal("leased", await ScalarAsync<string>(db, "select status from jobs where id = $1", runningApply));
        Assert.Equal("cancelled", await ScalarAsync<string>(db, "select status from jobs where id = $1", runningPlan));
        // An apply the workflow started is reported on, whatever happens to the run: a queued one still runs.
        Assert.Equal("queued", await ScalarAsync<string>(db, "select status from jobs where id = $1", queuedApply));
        // The apply's runner keeps its lease and can report the result; the plan's runner learns it lost its job.
        Assert.True(await queue.RenewAsync(applyLease, CancellationToken.None));
        Assert.False(await queue.RenewAsync(planLease, CancellationToken.None));
        var ok = new JobResult(applyLease.JobId, runId, JobKinds.Apply, null, null) { Apply = new ApplyOutcome("", true, false, "done", null, null) };
        Assert.True(await queue.CompleteAsync(applyLease, ok, CancellationToken.None));
    }

    private static JobSpec Spec(long runId, string kind) =>
        new(kind, runId, "acme", "infra", null, "https://example.invalid/acme/infra.git", "abc", "def", null, "op-apply");

    private static async Task<NpgsqlDataSource> MigratedAsync()
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("applyjobs"));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return db;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, long id)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(id);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
