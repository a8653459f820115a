using System.Diagnostics;
using System.Text;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Testing.FakeServiceBus;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// The REST client against the stand-in's broker semantics: what TerraFlow relies on from the real service
/// (204 when empty, long poll, lock expiry and redelivery, renew, unlock, dead-lettering, duplicate detection).
/// </summary>
public sealed class ServiceBusBrokerTests : IAsyncLifetime
{
    private const string Queue = "work";
    private FakeServiceBusServer _bus = null!;
    private ServiceBusRestClient _client = null!;

    public async Task InitializeAsync()
    {
        _bus = await FakeServiceBusServer.StartAsync();
        _client = ServiceBusRestClient.FromConnectionString(_bus.ConnectionString);
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private FakeServiceBusQueue CreateQueue(TimeSpan? lockDuration = null, int maxDeliveryCount = 10) =>
        _bus.CreateQueue(Queue, new FakeQueueSettings { LockDuration = lockDuration ?? TimeSpan.FromSeconds(30), MaxDeliveryCount = maxDeliveryCount });

    private Task SendAsync(string id, string body = "{\"n\":1}", Dictionary<string, string>? custom = null) =>
        _client.SendAsync(Queue, new ServiceBusOutgoingMessage(Encoding.UTF8.GetBytes(body), new OutgoingBrokerProperties { MessageId = id, Label = "job" }, custom), CancellationToken.None);

    private Task<ServiceBusReceivedMessage?> ReceiveAsync(TimeSpan? timeout = null) =>
        _client.PeekLockAsync(Queue, timeout ?? TimeSpan.Zero, CancellationToken.None);

    [Fact]
    public async Task A_peek_lock_returns_body_broker_properties_location_and_custom_properties()
    {
        var queue = CreateQueue(lockDuration: TimeSpan.FromSeconds(30));
        await _client.SendAsync(Queue, new ServiceBusOutgoingMessage(Encoding.UTF8.GetBytes("{\"hello\":\"world\"}"),
            new OutgoingBrokerProperties { MessageId = "job-1", Label = "job", TimeToLive = 90 },
            new Dictionary<string, string> { ["RunId"] = "42" }), CancellationToken.None);
        Assert.Equal(["RunId"], queue.Messages.Single().CustomProperties.Keys); // the pipeline's own headers are not properties

        var m = (await ReceiveAsync())!;

        Assert.Equal("{\"hello\":\"world\"}", Encoding.UTF8.GetString(m.Body.Span));
        Assert.Equal("job-1", m.Properties.MessageId);
        Assert.Equal("job", m.Properties.Label);
        Assert.Equal(1, m.Properties.DeliveryCount);
        Assert.Equal(1, m.Properties.SequenceNumber);
        Assert.True(Guid.TryParse(m.Properties.LockToken, out _));
        Assert.InRange(m.Properties.LockedUntil!.Value, DateTimeOffset.UtcNow.AddSeconds(25), DateTimeOffset.UtcNow.AddSeconds(31));
        Assert.Equal($"/{Queue}/messages/job-1/{m.Properties.LockToken}", m.LockUri.AbsolutePath);
        Assert.Equal("\"42\"", m.Headers["RunId"]); // string custom properties travel JSON-quoted
        Assert.Contains("\"TimeToLive\":90", m.Headers["BrokerProperties"]);
    }

    [Fact]
    public async Task An_empty_queue_answers_204_after_waiting_out_the_timeout()
    {
        CreateQueue();
        var clock = Stopwatch.StartNew();
        Assert.Null(await ReceiveAsync(TimeSpan.FromSeconds(1)));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_long_poll_returns_a_message_that_arrives_while_it_waits()
    {
        CreateQueue();
        var receive = ReceiveAsync(TimeSpan.FromSeconds(2));
        await Task.Delay(300);
        await SendAsync("late");
        Assert.Equal("late", (await receive)!.Properties.MessageId);
    }

    [Fact]
    public async Task An_expired_lock_redelivers_with_the_next_delivery_count_and_a_new_lock_token()
    {
        CreateQueue(lockDuration: TimeSpan.FromSeconds(1));
        await SendAsync("m");
        var first = (await ReceiveAsync())!;
        Assert.Null(await ReceiveAsync()); // locked: nobody else sees it

        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        var second = (await ReceiveAsync())!;

        Assert.Equal("m", second.Properties.MessageId);
        Assert.Equal(2, second.Properties.DeliveryCount);
        Assert.NotEqual(first.Properties.LockToken, second.Properties.LockToken);
        Assert.False(await _client.RenewLockAsync(first, CancellationToken.None));
        Assert.False(await _client.CompleteAsync(first, CancellationToken.None));
        Assert.True(await _client.CompleteAsync(second, CancellationToken.None));
        Assert.Equal(0, _bus.Queue(Queue).ActiveCount);
    }

    [Fact]
    public async Task Renewing_a_lock_moves_its_expiry_forward()
    {
        // Generous slack between renewals (1.4 s) so a busy machine does not lose the lock by accident.
        CreateQueue(lockDuration: TimeSpan.FromSeconds(2));
        await SendAsync("m");
        var held = (await ReceiveAsync())!;
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(600));
            Assert.True(await _client.RenewLockAsync(held, CancellationToken.None));
        }

        Assert.Null(await ReceiveAsync()); // 2.4 s after the receive, past the first lock, the renewed lock still holds
        Assert.True(await _client.CompleteAsync(held, CancellationToken.None));
    }

    [Fact]
    public async Task Unlocking_makes_the_message_available_again_at_once()
    {
        CreateQueue();
        await SendAsync("m");
        var first = (await ReceiveAsync())!;
        Assert.True(await _client.UnlockAsync(first, CancellationToken.None));

        var again = (await ReceiveAsync())!;
        Assert.Equal(2, again.Properties.DeliveryCount);
        Assert.False(await _client.UnlockAsync(first, CancellationToken.None)); // the old lock token is dead
    }

    [Fact]
    public async Task A_message_past_max_delivery_count_is_dead_lettered()
    {
        var queue = CreateQueue(maxDeliveryCount: 2);
        await SendAsync("poison");
        for (var i = 1; i <= 2; i++)
        {
            var m = (await ReceiveAsync())!;
            Assert.Equal(i, m.Properties.DeliveryCount);
            Assert.True(await _client.UnlockAsync(m, CancellationToken.None));
        }

        Assert.Null(await ReceiveAsync());
        var dead = Assert.Single(queue.DeadLettered);
        Assert.Equal("poison", dead.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
    }

    [Fact]
    public async Task A_second_send_with_the_same_message_id_is_accepted_and_dropped()
    {
        var queue = CreateQueue();
        await SendAsync("same");
        await SendAsync("same");
        await SendAsync("other");

        Assert.Equal(["same", "other"], queue.Messages.Select(m => m.MessageId));
        Assert.Equal(1, queue.DuplicatesDropped);
    }

    [Fact]
    public async Task A_made_up_lock_token_is_404_and_a_missing_queue_is_an_error()
    {
        CreateQueue();
        await SendAsync("m");
        var real = (await ReceiveAsync())!;
        var forged = real with { LockUri = new Uri(_bus.Endpoint, $"{Queue}/messages/m/{Guid.NewGuid()}") };
        Assert.False(await _client.RenewLockAsync(forged, CancellationToken.None));
        Assert.False(await _client.CompleteAsync(forged, CancellationToken.None));
        Assert.True(await _client.RenewLockAsync(real, CancellationToken.None));

        var ex = await Assert.ThrowsAsync<ServiceBusRequestException>(() =>
            _client.SendAsync("no-such-queue", new ServiceBusOutgoingMessage("{}"u8.ToArray(), new OutgoingBrokerProperties()), CancellationToken.None));
        Assert.Equal(404, ex.Status);
    }
}
