namespace TerraFlow.Runner;

/// <summary>
/// Wakes idle runner workers when a job may be waiting, so they need not poll fast. Signals are hints: a worker
/// that misses one finds the job at its next poll.
/// </summary>
public sealed class JobSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, int.MaxValue);

    public void Notify(int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            try { _semaphore.Release(); }
            catch (SemaphoreFullException) { return; }
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        await _semaphore.WaitAsync(timeout, ct);
    }
}
