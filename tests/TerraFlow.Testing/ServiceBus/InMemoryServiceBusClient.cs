using Azure.Messaging.ServiceBus;

namespace TerraFlow.Testing.ServiceBus;

/// <summary><see cref="ServiceBusClient"/> through its protected constructor: hands out the double's senders and receivers.</summary>
internal sealed class InMemoryServiceBusClient(InMemoryServiceBus bus) : ServiceBusClient
{
    private bool _closed;

    public override string FullyQualifiedNamespace => bus.FullyQualifiedNamespace;

    public override bool IsClosed => _closed;

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new InMemorySender(bus, queueOrTopicName, this);

    public override ServiceBusSender CreateSender(string queueOrTopicName, ServiceBusSenderOptions options) => CreateSender(queueOrTopicName);

    public override ServiceBusReceiver CreateReceiver(string queueName) => CreateReceiver(queueName, new ServiceBusReceiverOptions());

    public override ServiceBusReceiver CreateReceiver(string queueName, ServiceBusReceiverOptions options)
    {
        if (options.ReceiveMode != ServiceBusReceiveMode.PeekLock)
            throw new NotSupportedException("The double models peek-lock only (TerraFlow never receives and deletes).");
        return new InMemoryReceiver(bus, queueName, options.SubQueue == SubQueue.DeadLetter, this);
    }

    public override ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }

    internal void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
    }
}

internal sealed class InMemorySender(InMemoryServiceBus bus, string queue, InMemoryServiceBusClient client) : ServiceBusSender
{
    public override string EntityPath => queue;

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        client.ThrowIfClosed();
        bus.ThrowIfFaulted();
        bus.Queue(queue).Enqueue(message);
        return Task.CompletedTask;
    }

    public override async Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var m in messages) await SendMessageAsync(m, cancellationToken).ConfigureAwait(false);
    }

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class InMemoryReceiver(InMemoryServiceBus bus, string queue, bool deadLetter, InMemoryServiceBusClient client) : ServiceBusReceiver
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    public override string EntityPath => deadLetter ? queue + "/$deadletterqueue" : queue;

    public override ServiceBusReceiveMode ReceiveMode => ServiceBusReceiveMode.PeekLock;

    private InMemoryQueue Queue
    {
        get
        {
            client.ThrowIfClosed();
            bus.ThrowIfFaulted();
            var q = bus.Queue(queue);
            return deadLetter ? q.DeadLetterQueue! : q;
        }
    }

    public override async Task<ServiceBusReceivedMessage?> ReceiveMessageAsync(TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default) =>
        (await ReceiveMessagesAsync(1, maxWaitTime, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public override async Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        // The SDK's own argument checks: at least one message, and a wait that is positive when given.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        if (maxWaitTime is { } w) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(w, TimeSpan.Zero, nameof(maxWaitTime));
        var deadline = bus.Time.GetUtcNow() + (maxWaitTime ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var locked = Queue.TryLock(maxMessages);
            if (locked.Count > 0 || bus.Time.GetUtcNow() >= deadline) return locked;
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<ServiceBusReceivedMessage?> PeekMessageAsync(long? fromSequenceNumber = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Queue.Peek());
    }

    public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        Queue.Renew(message);
        return Task.CompletedTask;
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        return Queue.CompleteAsync(message, cancellationToken);
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Queue.Abandon(message);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        Queue.DeadLetter(message, deadLetterReason, deadLetterErrorDescription);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default) =>
        DeadLetterMessageAsync(message, deadLetterReason, deadLetterErrorDescription, cancellationToken);

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
