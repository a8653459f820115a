using System.Collections.Concurrent;

namespace TerraFlow.Runner.Providers;

/// <summary>
/// Exclusive right to fill or repair one cache entry (provider, version, platform): a semaphore for the jobs of this
/// process, then an advisory file lock (<c>flock</c>, which .NET takes for <see cref="FileShare.None"/> on Unix) for
/// other runner processes sharing the cache folder. Correctness does not rest on the file lock alone: entries appear
/// only by an atomic rename of a complete folder, so on a file system without working locks two runners may both
/// fetch, and one of them finds the entry already in place.
/// </summary>
internal sealed class CacheEntryLock : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _inProcess;
    private readonly FileStream _file;

    private CacheEntryLock(SemaphoreSlim inProcess, FileStream file)
    {
        _inProcess = inProcess;
        _file = file;
    }

    public static async Task<CacheEntryLock> AcquireAsync(ConcurrentDictionary<string, SemaphoreSlim> semaphores, string lockPath, CancellationToken ct)
    {
        var semaphore = semaphores.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(ct);
        try
        {
            while (true)
            {
                try
                {
                    var file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new CacheEntryLock(semaphore, file);
                }
                catch (IOException) when (File.Exists(lockPath) || Directory.Exists(Path.GetDirectoryName(lockPath)))
                {
                    // Another process holds it: it is fetching the same package. Wait for it, then use its result.
                    await Task.Delay(Poll, ct);
                }
            }
        }
        catch
        {
            semaphore.Release();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        // The lock file stays: deleting it would let a waiter lock an unlinked inode while a third process locks a new one.
        _file.Dispose();
        _inProcess.Release();
        return ValueTask.CompletedTask;
    }
}
