namespace TerraFlow.Adapters.Artifacts;

/// <summary>
/// Striped exclusive locks for <see cref="LocalFolderArtifactStore"/>: a key maps to one of 64 lock files, held
/// open with <see cref="FileShare.None"/> (an OS file lock: flock on Unix, a share lock on Windows), so the lock
/// also holds between processes that use the same folder. A fixed number of stripes keeps the lock folder from
/// growing with every key ever written; two keys sharing a stripe merely wait for each other briefly.
/// </summary>
internal sealed class LocalFolderLocks
{
    private const int Stripes = 64;
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    private readonly string _folder;

    public LocalFolderLocks(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(_folder);
    }

    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        var stripe = (uint)StableHash(key) % Stripes;
        var path = Path.Combine(_folder, stripe.ToString("D2") + ".lock");
        var deadline = DateTime.UtcNow + GiveUpAfter;
        var delay = 1;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another writer: back off a little (capped) and try again.
                await Task.Delay(delay, ct);
                delay = Math.Min(delay * 2, 20);
            }
        }
    }

    /// <summary>FNV-1a over the key's characters: string.GetHashCode differs between processes, this must not.</summary>
    private static int StableHash(string key)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in key)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
