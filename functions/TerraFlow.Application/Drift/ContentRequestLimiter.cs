namespace TerraFlow.Application.Drift;

/// <summary>Limits of <see cref="ContentRequestLimiter"/>; bound from <c>TerraFlow:Drift:RateLimit</c>.</summary>
public sealed class ContentRateLimitOptions
{
    /// <summary>GitHub's documented secondary limit: at most 80 content-generating requests per minute.</summary>
    public int PerMinute { get; set; } = 80;

    /// <summary>GitHub's documented secondary limit: at most 500 content-generating requests per hour.</summary>
    public int PerHour { get; set; } = 500;
}

/// <summary>
/// Paces the requests that create or change content on a VCS host (POST, PATCH, PUT, DELETE) per credential — a GitHub
/// App installation, a GitLab token — so a schedule whose checks find drift in hundreds of projects at once never trips
/// the host's secondary rate limit: at most <see cref="ContentRateLimitOptions.PerMinute"/> in any rolling minute and
/// <see cref="ContentRateLimitOptions.PerHour"/> in any rolling hour. A request over the limit waits (on the
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock) instead of failing.
/// <para>
/// A request takes its slot when it starts and the slot is dated when it finishes: the host receives a request
/// somewhere between the two, so counting from the finish keeps any window of arrivals at the host within the limit
/// however slow the network is. When the host asks for a pause anyway (Retry-After, a secondary-limit 403),
/// <see cref="PauseUntil"/> holds every request of that credential until then.
/// </para>
/// One instance per host adapter, registered as a singleton: the limit is per process. Several TerraFlow instances
/// share one credential's budget, so with N instances each gets limits of 1/N (set PerMinute/PerHour accordingly).
/// </summary>
public sealed class ContentRequestLimiter(ContentRateLimitOptions options, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public ContentRequestLimiter(ContentRateLimitOptions options) : this(options, TimeProvider.System)
    {
    }

    /// <summary>Runs <paramref name="request"/> once a slot of <paramref name="key"/> is free.</summary>
    public async Task<T> RunAsync<T>(string key, Func<Task<T>> request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bucket = BucketFor(key);
        await AcquireAsync(bucket, ct).ConfigureAwait(false);
        try
        {
            return await request().ConfigureAwait(false);
        }
        finally
        {
            Release(bucket);
        }
    }

    public Task RunAsync(string key, Func<Task> request, CancellationToken ct) =>
        RunAsync(key, async () =>
        {
            await request().ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>The host asked to wait: no request of <paramref name="key"/> starts before <paramref name="until"/>.</summary>
    public void PauseUntil(string key, DateTimeOffset until)
    {
        var bucket = BucketFor(key);
        lock (bucket)
        {
            if (until > bucket.PausedUntil) bucket.PausedUntil = until;
        }
    }

    /// <summary>Requests of <paramref name="key"/> finished within the last minute plus those in flight (for tests and logs).</summary>
    public int InLastMinute(string key)
    {
        var bucket = BucketFor(key);
        lock (bucket)
        {
            var now = time.GetUtcNow();
            return bucket.Finished.Count(t => t > now - Minute) + bucket.InFlight;
        }
    }

    private Bucket BucketFor(string key)
    {
        lock (_buckets)
        {
            if (!_buckets.TryGetValue(key, out var bucket)) _buckets[key] = bucket = new Bucket();
            return bucket;
        }
    }

    private async Task AcquireAsync(Bucket bucket, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            TimeSpan? wait;
            Task changed;
            lock (bucket)
            {
                var now = time.GetUtcNow();
                while (bucket.Finished.Count > 0 && bucket.Finished.Peek() <= now - Hour) bucket.Finished.Dequeue();
                wait = WaitLocked(bucket, now);
                if (wait is null)
                {
                    bucket.InFlight++;
                    return;
                }
                changed = bucket.Changed.Task;
            }
            // Wake when the oldest counted request leaves the window, or when a request in flight finishes (its slot is
            // then dated and the wait can be computed); never busy-wait.
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = wait.Value == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, cancel.Token) : Task.Delay(wait.Value, time, cancel.Token);
            var first = await Task.WhenAny(delay, changed).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
            if (first == delay && delay.IsCanceled) ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Null when a request may start now; otherwise how long until it might (infinite: until one in flight finishes).</summary>
    private TimeSpan? WaitLocked(Bucket bucket, DateTimeOffset now)
    {
        if (bucket.PausedUntil > now) return bucket.PausedUntil - now;
        var waits = new List<TimeSpan>(2);
        foreach (var (window, limit) in new[] { (Minute, Math.Max(1, options.PerMinute)), (Hour, Math.Max(1, options.PerHour)) })
        {
            var inWindow = bucket.Finished.Where(t => t > now - window).ToList();
            var over = inWindow.Count + bucket.InFlight - limit + 1;
            if (over <= 0) continue;
            // The over-th oldest finished request must leave the window; if there are too few, an in-flight one must finish first.
            waits.Add(over <= inWindow.Count ? inWindow[over - 1] + window - now : Timeout.InfiniteTimeSpan);
        }
        if (waits.Count == 0) return null;
        if (waits.Contains(Timeout.InfiniteTimeSpan)) return Timeout.InfiniteTimeSpan;
        var longest = waits.Max();
        return longest <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : longest;
    }

    private void Release(Bucket bucket)
    {
        TaskCompletionSource changed;
        lock (bucket)
        {
            bucket.InFlight--;
            bucket.Finished.Enqueue(time.GetUtcNow());
            changed = bucket.Changed;
            bucket.Changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Bucket
    {
        public Queue<DateTimeOffset> Finished { get; } = new();
        public int InFlight { get; set; }
        public DateTimeOffset PausedUntil { get; set; } = DateTimeOffset.MinValue;
        public TaskCompletionSource Changed { get; set; } = NewSignal();
    }
}
