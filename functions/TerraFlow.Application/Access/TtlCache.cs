using System.Collections.Concurrent;

namespace TerraFlow.Application.Access;

/// <summary>
/// A small time-bounded, size-bounded cache: entries live <c>lifetime</c>; past <c>capacity</c> entries the expired
/// ones are dropped, and if that is not enough, everything (a burst of distinct users must not grow memory without
/// bound; the cost is asking the host again).
/// </summary>
internal sealed class TtlCache<TKey, TValue>(TimeSpan lifetime, int capacity, TimeProvider time) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset ExpiresAt)> _entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var e) && time.GetUtcNow() < e.ExpiresAt)
        {
            value = e.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (lifetime <= TimeSpan.Zero) return;
        var now = time.GetUtcNow();
        if (_entries.Count >= capacity)
        {
            foreach (var (k, e) in _entries)
                if (e.ExpiresAt <= now) _entries.TryRemove(k, out _);
            if (_entries.Count >= capacity) _entries.Clear();
        }
        _entries[key] = (value, now + lifetime);
    }

    public int Count => _entries.Count;
}
