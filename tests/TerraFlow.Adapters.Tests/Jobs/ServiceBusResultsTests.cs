using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// Results from the Service Bus results queue into the workflow inbox (<see cref="JobResultPump"/> over
/// <see cref="ServiceBusJobResultSource"/> and the PostgreSQL intake on a real server): none lost when the receiving
/// host dies between receiving and completing, none recorded twice, none given up while the database is down.
/// </summary>
public sealed class ServiceBusResultsTests : IAsyncLifetime
{
    private static readonly TimeSpan ResultsLock = TimeSpan.FromSeconds(1);
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("sbresults"));
        await new SchemaMigrator(_db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>A host's receiving side: its own client (its own AMQP connection), source and pump.</summary>
    private JobResultPump Host(ServiceBusJobTransportFixture f, IJobResultIntake? intake = null) =>
        new(new ServiceBusJobResultSource(f.Bus.CreateClient(), f.Options, NullLogger<ServiceBusJobResultSource>.Instance),
            intake ?? new PostgresJobResultIntake(_db), NullLogger<JobResultPump>.Instance);

    /// <summary>A runner claims the job and reports a result, which lands on the results queue.</summary>
    private static async Task<long> RunnerReportsAsync(ServiceBusJobTransportFixture f)
    {
        var jobId = (await f.EnqueueAsync(1)).Single();
        var queue = f.CreateServiceBusQueue();
        var lease = (await queue.ClaimAsync("runner", CancellationToken.None))!;
        Assert.True(await queue.CompleteAsync(lease, new JobResult(jobId, 7, JobKinds.Discover, new DiscoveryOutcome(true, null, null, [], ["net"]), null), CancellationToken.None));
        return jobId;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = _db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_host_killed_after_recording_but_before_completing_loses_nothing_and_records_once()
    {
        await using var f = ServiceBusJobTransportFixture.Start(resultsLock: ResultsLock);
        var jobId = await RunnerReportsAsync(f);
        var inComplete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The host is stopped while its complete is in flight: the complete never reaches the broker.
        f.ResultsQueue.BeforeComplete = async (_, ct) => { inComplete.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); };
        using var kill = new CancellationTokenSource();
        var hostA = Host(f).PumpAsync(TimeSpan.FromSeconds(5), 10, kill.Token);
        await inComplete.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hostA);
        f.ResultsQueue.BeforeComplete = null;

        Assert.Equal(1, f.ResultsQueue.ActiveCount); // still there, locked by the dead host
        Assert.Equal(1L, await CountAsync("select count(*) from workflow_inbox where kind = 'job_result'"));

        // The next host gets it once the dead host's lock has expired, finds it recorded, and completes it.
        var hostB = Host(f);
        var handled = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (handled == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
            handled = await hostB.PumpAsync(TimeSpan.FromMilliseconds(200), 10, CancellationToken.None);

        Assert.Equal(1, handled);
        Assert.True(clock.Elapsed >= ResultsLock * 0.5, "redelivered only after the lock expired");
        Assert.Equal(0, f.ResultsQueue.ActiveCount);
        Assert.Equal(0, f.ResultsQueue.DeadLetteredCount);
        Assert.Equal(1L, await CountAsync("select count(*) from workflow_inbox where kind = 'job_result'"));
        Assert.Equal(1L, await CountAsync($"select count(*) from workflow_inbox where (payload->>'jobId')::bigint = {jobId}"));
        Assert.Equal(1L, await CountAsync($"select count(*) from processed_messages where message_id = '{jobId}-1' and delivery_count = 1"));
    }

    [Fact]
    public async Task A_host_killed_before_its_commit_loses_nothing_and_the_next_host_records_it()
    {
        await using var f = ServiceBusJobTransportFixture.Start(resultsLock: ResultsLock);
        var jobId = await RunnerReportsAsync(f);
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var kill = new CancellationTokenSource();
        var hostA = Host(f, new StallingIntake(inHandler)).PumpAsync(TimeSpan.FromSeconds(5), 10, kill.Token);
        await inHandler.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hostA);
        Assert.Equal(0L, await CountAsync("select count(*) from workflow_inbox"));

        var drained = await Host(f).DrainAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3), 10, CancellationToken.None);

        Assert.Equal(1, drained);
        Assert.Equal(0, f.ResultsQueue.ActiveCount);
        Assert.Equal(1L, await CountAsync($"select count(*) from workflow_inbox where (payload->>'jobId')::bigint = {jobId}"));
        Assert.Equal(2L, await CountAsync($"select delivery_count::bigint from processed_messages where message_id = '{jobId}-1'"));
    }

    [Fact]
    public async Task While_the_database_is_down_a_result_is_never_abandoned_and_one_the_broker_dead_letters_is_still_recorded()
    {
        await using var f = ServiceBusJobTransportFixture.Start(resultsLock: TimeSpan.FromMilliseconds(300), resultsMaxDeliveryCount: 2);
        var jobId = await RunnerReportsAsync(f);
        var down = Host(f, new FailingIntake());
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => down.PumpAsync(TimeSpan.FromSeconds(3), 10, CancellationToken.None));
            Assert.Equal(i + 1, f.ResultsQueue.Messages.Single().DeliveryCount); // locked, not abandoned: one delivery per lock
            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }

        // Out of deliveries: the broker moves it to the dead-letter sub-queue at the next receive, and the source
        // takes it from there when the queue itself is empty.
        var recorded = await Host(f).DrainAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200), 10, CancellationToken.None);

        Assert.Equal(1, recorded);
        Assert.Equal(0, f.ResultsQueue.ActiveCount);
        Assert.Equal(1, f.ResultsQueue.DeadLetterQueue!.CompletedCount);
        Assert.Equal(0, f.ResultsQueue.DeadLetteredCount);
        Assert.Equal(1L, await CountAsync($"select count(*) from workflow_inbox where (payload->>'jobId')::bigint = {jobId}"));
    }

    [Fact]
    public async Task A_message_that_is_not_a_result_is_recorded_as_rejected_and_completed_not_redelivered()
    {
        await using var f = ServiceBusJobTransportFixture.Start();
        await using (var client = f.Bus.CreateClient())
        {
            await client.CreateSender(f.Options.ResultsQueue).SendMessageAsync(new global::Azure.Messaging.ServiceBus.ServiceBusMessage("{\"hello\":1}") { MessageId = "junk-1" });
            await client.CreateSender(f.Options.ResultsQueue).SendMessageAsync(new global::Azure.Messaging.ServiceBus.ServiceBusMessage("no id at all"));
        }

        Assert.Equal(2, await Host(f).DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Equal(0, f.ResultsQueue.ActiveCount);
        Assert.Equal(2L, await CountAsync("select count(*) from processed_messages where outcome = 'rejected'"));
        Assert.Equal(1L, await CountAsync("select count(*) from processed_messages where message_id like 'sha256:%'"));
        Assert.Equal(0L, await CountAsync("select count(*) from workflow_inbox"));
    }

    /// <summary>The host dies while recording: the intake never returns.</summary>
    private sealed class StallingIntake(TaskCompletionSource entered) : IJobResultIntake
    {
        public async Task<JobResultIntakeOutcome> RecordAsync(JobResultDelivery delivery, CancellationToken ct)
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class FailingIntake : IJobResultIntake
    {
        public Task<JobResultIntakeOutcome> RecordAsync(JobResultDelivery delivery, CancellationToken ct) =>
            throw new NpgsqlException("database is down");
    }
}
