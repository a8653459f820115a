namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>Polls until a condition holds, for asserting on work the host finishes asynchronously.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        T value;
        while (true)
        {
            value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what ?? "condition"}; last value: {value}");
            await Task.Delay(100);
        }
    }

    public static Task<T> ValueAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null) =>
        ValueAsync(() => Task.FromResult(probe()), done, timeout, what);
}
