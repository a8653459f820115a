using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace TerraFlow.Testing.ServiceBus;

/// <summary>
/// A broker double for Azure.Messaging.ServiceBus, used through the SDK's documented test seams: clients, senders and
/// receivers are subclasses built with the SDK's protected constructors (their methods are virtual for mocking), and
/// every received message is made by <see cref="ServiceBusModelFactory"/>. So the transport code under test runs
/// against the SDK's own types. It keeps the queue semantics TerraFlow relies on: peek-lock with a lock duration and
/// lock expiry, renew, complete/abandon/dead-letter (settling needs a live lock, else
/// <see cref="ServiceBusFailureReason.MessageLockLost"/>), delivery count and MaxDeliveryCount dead-lettering, a
/// dead-letter sub-queue, MessageId duplicate detection within a window, and positive receive waits only (as the SDK
/// requires). Not a network server: the Service Bus emulator is a container that cannot run here.
/// </summary>
public sealed class InMemoryServiceBus
{
    private readonly ConcurrentDictionary<string, InMemoryQueue> _queues = new(StringComparer.OrdinalIgnoreCase);

    public InMemoryServiceBus(TimeProvider? time = null) => Time = time ?? TimeProvider.System;

    public TimeProvider Time { get; }

    public string FullyQualifiedNamespace => "inmemory.servicebus.windows.net";

    /// <summary>When set, every operation of every client throws it (e.g. an <see cref="UnauthorizedAccessException"/> for a refused credential).</summary>
    public Exception? Fault { get; set; }

    public InMemoryQueue CreateQueue(string name, InMemoryQueueSettings? settings = null)
    {
        var queue = new InMemoryQueue(name, settings ?? new InMemoryQueueSettings(), Time);
        if (!_queues.TryAdd(name, queue)) throw new InvalidOperationException($"queue {name} exists");
        return queue;
    }

    public InMemoryQueue Queue(string name) =>
        _queues.TryGetValue(name, out var q) ? q
        : throw new ServiceBusException($"The messaging entity '{name}' could not be found.", ServiceBusFailureReason.MessagingEntityNotFound);

    /// <summary>A client as an application would hold one; each call makes a new one (a new "process").</summary>
    public ServiceBusClient CreateClient() => new InMemoryServiceBusClient(this);

    internal void ThrowIfFaulted()
    {
        if (Fault is { } fault) throw fault;
    }
}

public sealed class InMemoryQueueSettings
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries before the broker moves a message to the dead-letter sub-queue (Service Bus default 10).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>Null = duplicate detection off.</summary>
    public TimeSpan? DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>A message as the broker stores it.</summary>
public sealed class StoredMessage
{
    internal StoredMessage(ServiceBusMessage sent, long sequence, DateTimeOffset enqueued)
    {
        Body = sent.Body;
        MessageId = sent.MessageId;
        CorrelationId = sent.CorrelationId;
        Subject = sent.Subject;
        ContentType = sent.ContentType;
        Properties = new Dictionary<string, object>(sent.ApplicationProperties);
        SequenceNumber = sequence;
        EnqueuedTime = enqueued;
    }

    internal StoredMessage(StoredMessage from, long sequence, string reason, string? description)
    {
        Body = from.Body;
        MessageId = from.MessageId;
        CorrelationId = from.CorrelationId;
        Subject = from.Subject;
        ContentType = from.ContentType;
        Properties = new Dictionary<string, object>(from.Properties) { ["DeadLetterReason"] = reason };
        if (description is not null) Properties["DeadLetterErrorDescription"] = description;
        SequenceNumber = sequence;
        EnqueuedTime = from.EnqueuedTime;
        DeliveryCount = from.DeliveryCount;
        DeadLetterReason = reason;
    }

    public BinaryData Body { get; }
    public string? MessageId { get; }
    public string? CorrelationId { get; }
    public string? Subject { get; }
    public string? ContentType { get; }
    public Dictionary<string, object> Properties { get; }
    public long SequenceNumber { get; }
    public DateTimeOffset EnqueuedTime { get; }
    public int DeliveryCount { get; internal set; }
    public string? DeadLetterReason { get; }
    internal Guid? LockToken { get; set; }
    internal DateTimeOffset LockedUntil { get; set; }
}
