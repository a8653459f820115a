using System.Text;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>What the Service Bus transport adds beyond the shared contract: attempt limits, poison messages, result ids.</summary>
public sealed class ServiceBusJobQueueTests
{
    private static JobResult Ok(JobLease lease) =>
        new(lease.JobId, lease.Spec.RunId, lease.Spec.Kind, new DiscoveryOutcome(true, null, null, [], []), null);

    [Fact]
    public async Task A_delivery_past_the_attempt_limit_is_answered_with_a_failed_result_instead_of_running()
    {
        await using var f = await ServiceBusJobTransportFixture.StartAsync(maxAttempts: 2);
        var jobId = (await f.EnqueueAsync(1)).Single();
        var queue = f.CreateServiceBusQueue();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
            Assert.Equal(attempt, lease.Attempt);
            await f.LetLeaseLapseAsync(lease);
        }

        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));

        var result = Assert.Single(await f.ReadResultsAsync());
        Assert.Equal(jobId, result.JobId);
        Assert.False(result.Discovery!.Succeeded);
        Assert.Contains("2 times", result.Discovery.FailureMessage);
        Assert.Equal(0, f.Bus.Queue(f.Options.JobsQueue).ActiveCount);
        Assert.Equal(0, f.Bus.Queue(f.Options.JobsQueue).DeadLetteredCount);
    }

    [Fact]
    public async Task A_message_that_is_not_a_job_ends_in_the_dead_letter_queue_without_being_run()
    {
        await using var f = await ServiceBusJobTransportFixture.StartAsync(maxAttempts: 3);
        await f.NewClient().SendAsync(f.Options.JobsQueue,
            new ServiceBusOutgoingMessage(Encoding.UTF8.GetBytes("not json"), new OutgoingBrokerProperties { MessageId = "junk" }), CancellationToken.None);
        await f.EnqueueAsync(1);

        var lease = await f.CreateServiceBusQueue().ClaimAsync("w", CancellationToken.None);

        Assert.NotNull(lease); // the junk did not block the real job behind it
        var dead = Assert.Single(f.Bus.Queue(f.Options.JobsQueue).DeadLettered);
        Assert.Equal("junk", dead.MessageId);
    }

    [Fact]
    public async Task Results_carry_one_message_id_per_delivery_and_jobs_are_deduplicated_by_job_id()
    {
        await using var f = await ServiceBusJobTransportFixture.StartAsync();
        await f.Dispatcher.SendJobAsync(77, new JobSpec(JobKinds.Discover, 5, "acme", "infra", null, "u", "h", "b", null, "op"), CancellationToken.None);
        await f.Dispatcher.SendJobAsync(77, new JobSpec(JobKinds.Discover, 5, "acme", "infra", null, "u", "h", "b", null, "op"), CancellationToken.None);
        Assert.Equal(1, f.Bus.Queue(f.Options.JobsQueue).ActiveCount);

        var queue = f.CreateServiceBusQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
        Assert.True(await queue.CompleteAsync(lease, Ok(lease), CancellationToken.None));

        Assert.Equal(["77-1"], f.Bus.Queue(f.Options.ResultsQueue).Messages.Select(m => m.MessageId));
        Assert.Equal(0, queue.HeldCount);
    }

    [Fact]
    public async Task A_result_whose_handler_fails_is_not_completed_and_comes_back()
    {
        await using var f = await ServiceBusJobTransportFixture.StartAsync();
        await f.EnqueueAsync(1);
        var queue = f.CreateServiceBusQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
        Assert.True(await queue.CompleteAsync(lease, Ok(lease), CancellationToken.None));

        await Assert.ThrowsAsync<InvalidOperationException>(() => f.Dispatcher.DrainResultsAsync(
            (_, _) => throw new InvalidOperationException("database down"), CancellationToken.None));
        f.Bus.Queue(f.Options.ResultsQueue).ExpireLocks();

        var handled = new List<long>();
        Assert.Equal(1, await f.Dispatcher.DrainResultsAsync((r, _) => { handled.Add(r.JobId); return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal([lease.JobId], handled);
        Assert.Equal(0, f.Bus.Queue(f.Options.ResultsQueue).ActiveCount);
    }

    [Fact]
    public async Task A_lease_from_another_queue_instance_is_not_honoured()
    {
        await using var f = await ServiceBusJobTransportFixture.StartAsync();
        await f.EnqueueAsync(1);
        var lease = (await f.CreateServiceBusQueue().ClaimAsync("w", CancellationToken.None))!;

        var stranger = f.CreateServiceBusQueue();
        Assert.False(await stranger.RenewAsync(lease, CancellationToken.None));
        Assert.False(await stranger.CompleteAsync(lease, Ok(lease), CancellationToken.None));
        Assert.Empty(await f.ReadResultsAsync());
    }
}
