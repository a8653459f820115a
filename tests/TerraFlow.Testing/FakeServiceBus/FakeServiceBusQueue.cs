using System.Text.Json;

namespace TerraFlow.Testing.FakeServiceBus;

/// <summary>A message as the stand-in stores it. Lock fields are null while the message is available.</summary>
public sealed record FakeMessage(
    long SequenceNumber,
    string MessageId,
    byte[] Body,
    string ContentType,
    IReadOnlyDictionary<string, JsonElement> BrokerProperties,
    IReadOnlyDictionary<string, string> CustomProperties,
    DateTimeOffset EnqueuedAt)
{
    public int DeliveryCount { get; internal set; }
    public Guid? LockToken { get; internal set; }
    public DateTimeOffset? LockedUntil { get; internal set; }
    public string? DeadLetterReason { get; internal set; }

    internal FakeMessage Snapshot() => this with { };
}

/// <summary>
/// One queue: peek-lock with lock expiry and redelivery, renew, complete, unlock, MaxDeliveryCount dead-lettering and
/// duplicate detection by MessageId, with the semantics of the real service. All members are thread-safe.
/// </summary>
public sealed class FakeServiceBusQueue(string name, FakeQueueSettings settings, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<FakeMessage> _active = [];
    private readonly List<FakeMessage> _deadLettered = [];
    private readonly Dictionary<string, DateTimeOffset> _seenIds = new(StringComparer.Ordinal);
    private long _lastSequence;
    private int _duplicatesDropped;
    private int _accepted;

    public string Name { get; } = name;

    public FakeQueueSettings Settings { get; } = settings;

    /// <summary>Messages not yet completed (locked or not), in sequence order; copies.</summary>
    public IReadOnlyList<FakeMessage> Messages { get { lock (_gate) return _active.Select(m => m.Snapshot()).ToList(); } }

    public IReadOnlyList<FakeMessage> DeadLettered { get { lock (_gate) return _deadLettered.Select(m => m.Snapshot()).ToList(); } }

    public int ActiveCount { get { lock (_gate) return _active.Count; } }

    public int DeadLetteredCount { get { lock (_gate) return _deadLettered.Count; } }

    /// <summary>Messages ever stored by a send (completed ones included; duplicates dropped are not).</summary>
    public int AcceptedCount { get { lock (_gate) return _accepted; } }

    /// <summary>Sends accepted with 201 but dropped by duplicate detection.</summary>
    public int DuplicatesDropped { get { lock (_gate) return _duplicatesDropped; } }

    /// <summary>Stores a message; false when duplicate detection dropped it (the sender still sees success).</summary>
    public bool Send(string? messageId, byte[] body, string contentType, IReadOnlyDictionary<string, JsonElement> broker, IReadOnlyDictionary<string, string> custom)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var id = string.IsNullOrEmpty(messageId) ? Guid.NewGuid().ToString("N") : messageId;
            if (Settings.DuplicateDetectionWindow is { } window)
            {
                if (_seenIds.TryGetValue(id, out var until) && until > now)
                {
                    _duplicatesDropped++;
                    return false;
                }
                _seenIds[id] = now + window;
            }
            _active.Add(new FakeMessage(++_lastSequence, id, body, contentType, broker, custom, now));
            _accepted++;
            return true;
        }
    }

    /// <summary>Locks the first available message (an expired lock makes a message available again); null when none.</summary>
    public FakeMessage? TryLock()
    {
        lock (_gate) return LockFirst(time.GetUtcNow());
    }

    private FakeMessage? LockFirst(DateTimeOffset now)
    {
        for (var i = 0; i < _active.Count; i++)
        {
            var m = _active[i];
            if (m.LockedUntil is { } until && until > now) continue;
            if (m.DeliveryCount >= Settings.MaxDeliveryCount)
            {
                // Came back after its last allowed delivery: the broker moves it to the dead-letter queue.
                m.DeadLetterReason = "MaxDeliveryCountExceeded";
                m.LockToken = null;
                m.LockedUntil = null;
                _active.RemoveAt(i--);
                _deadLettered.Add(m);
                continue;
            }
            m.DeliveryCount++;
            m.LockToken = Guid.NewGuid();
            m.LockedUntil = now + Settings.LockDuration;
            return m.Snapshot();
        }
        return null;
    }

    /// <summary>Receive-and-delete: removes and returns the first available message.</summary>
    public FakeMessage? TryTake()
    {
        lock (_gate)
        {
            var locked = LockFirst(time.GetUtcNow());
            if (locked is null) return null;
            _active.RemoveAll(m => m.SequenceNumber == locked.SequenceNumber);
            return locked;
        }
    }

    /// <summary>Renew-Lock. False when the id/lock token pair holds no live lock (the service's 404).</summary>
    public bool Renew(string idOrSequence, Guid lockToken) => WithLiveLock(idOrSequence, lockToken, (m, now) =>
    {
        m.LockedUntil = now + Settings.LockDuration;
        return true;
    });

    /// <summary>Delete Message (complete).</summary>
    public bool Complete(string idOrSequence, Guid lockToken) => WithLiveLock(idOrSequence, lockToken, (m, _) => _active.Remove(m));

    /// <summary>Unlock Message (abandon): available again at once; the next delivery counts one more.</summary>
    public bool Unlock(string idOrSequence, Guid lockToken) => WithLiveLock(idOrSequence, lockToken, (m, _) =>
    {
        m.LockToken = null;
        m.LockedUntil = null;
        return true;
    });

    /// <summary>Test hook: every current lock expires now, as if the lock duration had passed.</summary>
    public void ExpireLocks()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var m in _active.Where(m => m.LockedUntil is not null))
                m.LockedUntil = now;
        }
    }

    private bool WithLiveLock(string idOrSequence, Guid lockToken, Func<FakeMessage, DateTimeOffset, bool> action)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var m = _active.FirstOrDefault(m => m.LockToken == lockToken &&
                (m.MessageId == idOrSequence || m.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) == idOrSequence));
            if (m is null || m.LockedUntil is not { } until || until <= now) return false;
            return action(m, now);
        }
    }
}
