using Azure.Messaging.ServiceBus;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>What the Service Bus transport adds beyond the shared contract: attempt limits, deliberate dead-lettering, message ids.</summary>
public sealed class ServiceBusJobQueueTests
{
    private static JobResult Ok(JobLease lease) =>
        new(lease.JobId, lease.Spec.RunId, lease.Spec.Kind, new DiscoveryOutcome(true, null, null, [], []), null);

    [Fact]
    public async Task A_delivery_past_the_attempt_limit_is_answered_with_a_failed_result_and_dead_lettered_instead_of_running()
    {
        await using var f = ServiceBusJobTransportFixture.Start(maxAttempts: 2);
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
        Assert.Equal(0, f.JobsQueue.ActiveCount);
        var dead = Assert.Single(f.JobsQueue.DeadLettered);
        Assert.Equal(ServiceBusJobQueue.AttemptsUsedUpReason, dead.DeadLetterReason);
        Assert.Equal(3, dead.DeliveryCount); // dead-lettered by TerraFlow at delivery 3, not by the broker's MaxDeliveryCount
    }

    [Fact]
    public async Task A_message_that_is_not_a_job_is_dead_lettered_at_once_without_being_run()
    {
        await using var f = ServiceBusJobTransportFixture.Start(maxAttempts: 3);
        await using (var client = f.Bus.CreateClient())
            await client.CreateSender(f.Options.JobsQueue).SendMessageAsync(new ServiceBusMessage("not json") { MessageId = "junk" });
        await f.EnqueueAsync(1);

        var lease = await f.CreateServiceBusQueue().ClaimAsync("w", CancellationToken.None);

        Assert.NotNull(lease); // the junk did not block the real job behind it
        var dead = Assert.Single(f.JobsQueue.DeadLettered);
        Assert.Equal("junk", dead.MessageId);
        Assert.Equal(ServiceBusJobQueue.NotAJobReason, dead.DeadLetterReason);
        Assert.Equal(1, dead.DeliveryCount);
    }

    [Fact]
    public async Task Jobs_carry_the_job_id_as_message_id_so_a_resend_is_dropped_and_results_one_id_per_delivery()
    {
        await using var f = ServiceBusJobTransportFixture.Start();
        var spec = new JobSpec(JobKinds.Discover, 5, "acme", "infra", null, "u", "h", "b", null, "op-77");
        await f.Dispatcher.SendJobAsync(77, spec, CancellationToken.None);
        await f.Dispatcher.SendJobAsync(77, spec, CancellationToken.None); // the outbox resending after a crash
        Assert.Equal(1, f.JobsQueue.ActiveCount);
        Assert.Equal(1, f.JobsQueue.DuplicatesDropped);
        var sent = Assert.Single(f.JobsQueue.Messages);
        Assert.Equal(("77", "op-77", "discover", "application/json"), (sent.MessageId, sent.CorrelationId, sent.Subject, sent.ContentType));
        Assert.Equal(5L, sent.Properties["RunId"]);

        var queue = f.CreateServiceBusQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
        Assert.True(await queue.CompleteAsync(lease, Ok(lease), CancellationToken.None));

        Assert.Equal(["77-1"], f.ResultsQueue.Messages.Select(m => m.MessageId));
        Assert.Equal(0, queue.HeldCount);
        Assert.Equal(1, f.JobsQueue.CompletedCount);
    }

    [Fact]
    public async Task A_lease_from_another_queue_instance_is_not_honoured()
    {
        await using var f = ServiceBusJobTransportFixture.Start();
        await f.EnqueueAsync(1);
        var lease = (await f.CreateServiceBusQueue().ClaimAsync("w", CancellationToken.None))!;

        var stranger = f.CreateServiceBusQueue();
        Assert.False(await stranger.RenewAsync(lease, CancellationToken.None));
        Assert.False(await stranger.CompleteAsync(lease, Ok(lease), CancellationToken.None));
        Assert.Empty(await f.ReadResultsAsync());
    }

    [Fact]
    public async Task Renewing_through_the_sdk_keeps_a_job_longer_than_its_lock_duration()
    {
        await using var f = ServiceBusJobTransportFixture.Start();
        await f.EnqueueAsync(1);
        var queue = f.CreateServiceBusQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
        // Three renewals a third of the lock apart: the job is held for longer than one lock without being redelivered.
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(queue.LeaseDuration / 3);
            Assert.True(await queue.RenewAsync(lease, CancellationToken.None));
        }
        Assert.Null(await f.CreateServiceBusQueue().ClaimAsync("other", CancellationToken.None));
        Assert.True(await queue.CompleteAsync(lease, Ok(lease), CancellationToken.None));
        Assert.Equal($"{lease.JobId}-1", Assert.Single(f.ResultsQueue.Messages).MessageId);
        Assert.Equal(0, f.JobsQueue.ActiveCount);
    }
}
