using Azure.Messaging.ServiceBus;

namespace TerraFlow.Testing.ServiceBus;

/// <summary>One queue of <see cref="InMemoryServiceBus"/> (or its dead-letter sub-queue), inspectable by tests.</summary>
public sealed class InMemoryQueue
{
    private readonly Lock _gate = new();
    private readonly List<StoredMessage> _messages = [];
    private readonly Dictionary<string, DateTimeOffset> _seenIds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _sequence;

    internal InMemoryQueue(string name, InMemoryQueueSettings settings, TimeProvider time, bool isDeadLetter = false)
    {
        Name = name;
        Settings = settings;
        _time = time;
        DeadLetterQueue = isDeadLetter ? null : new InMemoryQueue(name + "/$deadletterqueue",
            new InMemoryQueueSettings { LockDuration = settings.LockDuration, MaxDeliveryCount = int.MaxValue, DuplicateDetectionWindow = null }, time, isDeadLetter: true);
    }

    public string Name { get; }
    public InMemoryQueueSettings Settings { get; }

    /// <summary>The dead-letter sub-queue (null on the sub-queue itself).</summary>
    public InMemoryQueue? DeadLetterQueue { get; }

    /// <summary>Messages accepted (duplicates dropped are not counted).</summary>
    public int AcceptedCount { get; private set; }
    public int DuplicatesDropped { get; private set; }
    public int CompletedCount { get; private set; }

    /// <summary>Messages in the queue, locked or not (neither completed nor dead-lettered).</summary>
    public IReadOnlyList<StoredMessage> Messages { get { lock (_gate) return _messages.ToList(); } }
    public int ActiveCount { get { lock (_gate) return _messages.Count; } }
    public IReadOnlyList<StoredMessage> DeadLettered => DeadLetterQueue?.Messages ?? [];
    public int DeadLetteredCount => DeadLetterQueue?.ActiveCount ?? 0;

    /// <summary>
    /// Runs before each complete is applied; a test parks it here (e.g. to stop the host between receiving a message
    /// and completing it). Throwing from it fails the complete.
    /// </summary>
    public Func<StoredMessage, CancellationToken, Task>? BeforeComplete { get; set; }

    /// <summary>Every lock ends now, as if its holder had stopped renewing for longer than the lock duration.</summary>
    public void ExpireLocks()
    {
        lock (_gate)
            foreach (var m in _messages)
                if (m.LockToken is not null) m.LockedUntil = DateTimeOffset.MinValue;
    }

    internal void Enqueue(ServiceBusMessage message)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (Settings.DuplicateDetectionWindow is { } window && message.MessageId is { } id)
            {
                if (_seenIds.TryGetValue(id, out var seen) && now - seen < window)
                {
                    DuplicatesDropped++; // accepted by the broker, then dropped, as Service Bus does
                    return;
                }
                _seenIds[id] = now;
            }
            _messages.Add(new StoredMessage(message, ++_sequence, now));
            AcceptedCount++;
        }
    }

    internal void EnqueueDeadLettered(StoredMessage from, string reason, string? description)
    {
        lock (_gate) _messages.Add(new StoredMessage(from, ++_sequence, reason, description));
    }

    /// <summary>Locks up to <paramref name="max"/> available messages; a message out of deliveries goes to the dead-letter queue instead.</summary>
    internal List<ServiceBusReceivedMessage> TryLock(int max)
    {
        var now = _time.GetUtcNow();
        var locked = new List<ServiceBusReceivedMessage>();
        lock (_gate)
        {
            foreach (var m in _messages.ToList())
            {
                if (locked.Count >= max) break;
                if (m.LockToken is not null && m.LockedUntil > now) continue;
                m.LockToken = null;
                if (m.DeliveryCount >= Settings.MaxDeliveryCount)
                {
                    _messages.Remove(m);
                    DeadLetterQueue?.EnqueueDeadLettered(m, "MaxDeliveryCountExceeded", $"Message could not be consumed after {Settings.MaxDeliveryCount} delivery attempts.");
                    continue;
                }
                m.DeliveryCount++;
                m.LockToken = Guid.NewGuid();
                m.LockedUntil = now + Settings.LockDuration;
                locked.Add(ToReceived(m));
            }
        }
        return locked;
    }

    internal ServiceBusReceivedMessage? Peek()
    {
        lock (_gate) return _messages.Count == 0 ? null : ToReceived(_messages[0]);
    }

    internal DateTimeOffset Renew(ServiceBusReceivedMessage message)
    {
        lock (_gate)
        {
            var m = Held(message);
            m.LockedUntil = _time.GetUtcNow() + Settings.LockDuration;
            return m.LockedUntil;
        }
    }

    internal async Task CompleteAsync(ServiceBusReceivedMessage message, CancellationToken ct)
    {
        StoredMessage m;
        lock (_gate) m = Held(message);
        if (BeforeComplete is { } hook) await hook(m, ct).ConfigureAwait(false);
        lock (_gate)
        {
            m = Held(message); // the lock may have run out while the hook waited
            _messages.Remove(m);
            CompletedCount++;
        }
    }

    internal void Abandon(ServiceBusReceivedMessage message)
    {
        lock (_gate) Held(message).LockToken = null;
    }

    internal void DeadLetter(ServiceBusReceivedMessage message, string reason, string? description)
    {
        if (DeadLetterQueue is null) throw new InvalidOperationException("A dead-lettered message cannot be dead-lettered again.");
        lock (_gate)
        {
            var m = Held(message);
            _messages.Remove(m);
            DeadLetterQueue.EnqueueDeadLettered(m, reason, description);
        }
    }

    /// <summary>The stored message this lock token still holds, or the SDK's lock-lost error.</summary>
    private StoredMessage Held(ServiceBusReceivedMessage message)
    {
        var now = _time.GetUtcNow();
        return _messages.FirstOrDefault(m => m.LockToken == message.LockTokenGuid() && m.LockedUntil > now)
               ?? throw new ServiceBusException(
                   "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
                   ServiceBusFailureReason.MessageLockLost);
    }

    private static ServiceBusReceivedMessage ToReceived(StoredMessage m) => ServiceBusModelFactory.ServiceBusReceivedMessage(
        body: m.Body,
        messageId: m.MessageId,
        correlationId: m.CorrelationId,
        subject: m.Subject,
        contentType: m.ContentType,
        properties: new Dictionary<string, object>(m.Properties),
        lockTokenGuid: m.LockToken ?? default,
        deliveryCount: m.DeliveryCount,
        lockedUntil: m.LockedUntil,
        sequenceNumber: m.SequenceNumber,
        enqueuedTime: m.EnqueuedTime);
}

internal static class ReceivedMessageExtensions
{
    public static Guid LockTokenGuid(this ServiceBusReceivedMessage message) => Guid.Parse(message.LockToken);
}
