using TerraFlow.Runner.Workspace.Mirrors;

namespace TerraFlow.Runner.Providers;

/// <summary>
/// A job's use of one cache entry: a shared <c>flock</c> on the entry's <c>locks/&lt;key&gt;.use</c> file, held from
/// before the runner checks the entry until the job ends (Terraform installs a cached provider as a symlink into the
/// cache, so plan and apply still read it). The trim (<see cref="ProviderCacheEviction"/>) deletes an entry only with
/// this file locked exclusively, so never one a job of any runner process sharing the folder is using. It is a file of
/// its own, not the entry's fill lock (<see cref="CacheEntryLock"/>): a job holding that shared for an hour-long apply
/// would block another job's repair of the same entry for as long. The file's modification time, set when the lease
/// is taken and released, is the entry's "last used" for the trim's least-recently-used order.
/// </summary>
public sealed class ProviderCacheLease : IAsyncDisposable
{
    // Only a trim holds the file exclusively, for as long as one entry takes to delete.
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);
    private readonly string _path;
    private FileLock? _lock;

    private ProviderCacheLease(string path, FileLock held)
    {
        _path = path;
        _lock = held;
    }

    /// <summary>Takes the entry's use file shared; null when a trim kept it locked longer than a minute.</summary>
    public static async Task<ProviderCacheLease?> AcquireAsync(string useFile, CancellationToken ct)
    {
        var held = await FileLock.AcquireAsync(useFile, exclusive: false, Wait, ct);
        if (held is null) return null;
        FileLock.MarkUsed(useFile);
        return new ProviderCacheLease(useFile, held);
    }

    public ValueTask DisposeAsync()
    {
        var held = Interlocked.Exchange(ref _lock, null);
        if (held is null) return ValueTask.CompletedTask;
        // Touched before the release: a trim that gets the lock next sees the entry as just used.
        FileLock.MarkUsed(_path);
        held.Dispose();
        return ValueTask.CompletedTask;
    }
}
