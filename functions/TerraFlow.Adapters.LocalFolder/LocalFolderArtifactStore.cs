using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Artifacts;

/// <summary>
/// The embedded artifact store: one file per key under a root folder. Writes go to a temporary file first and are
/// renamed into place, so a reader never sees half an artifact and a crash never leaves one. The store keeps its own
/// bookkeeping (temporary files, lock files) under "&lt;root&gt;/.terraflow", which is therefore not a usable key.
/// </summary>
/// <remarks>
/// ETags are the SHA-256 of the content, computed when asked for. File timestamps are too coarse (the kernel's
/// clock tick) to tell two quick writes of the same length apart, and a wrong "unchanged" answer would let
/// <see cref="PutIfMatchAsync"/> lose an update; hashing costs a read of the file but is always right.
/// Every mutation takes a per-key lock file (<see cref="LocalFolderLocks"/>), so conditional writes are atomic even
/// between processes that share the folder.
/// </remarks>
public sealed class LocalFolderArtifactStore : IArtifactStore
{
    internal const string ReservedFolder = ".terraflow";

    private readonly string _root;
    private readonly string _tempFolder;
    private readonly LocalFolderLocks _locks;

    public LocalFolderArtifactStore(string root)
    {
        _root = Path.GetFullPath(root);
        _tempFolder = Path.Combine(_root, ReservedFolder, "tmp");
        Directory.CreateDirectory(_tempFolder);
        _locks = new LocalFolderLocks(Path.Combine(_root, ReservedFolder, "locks"));
    }

    public async Task PutAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathFor(key);
        await WriteThenCommitAsync(key, path, content, temp =>
        {
            File.Move(temp, path, overwrite: true);
            return true;
        }, ct);
    }

    public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathFor(key);
        return await WriteThenCommitAsync(key, path, content, temp =>
        {
            try
            {
                // Without overwrite, .NET moves with link()+unlink() on Unix, which fails atomically if the name exists.
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }, ct);
    }

    public async Task<bool> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var path = PathFor(key);
        return await WriteThenCommitAsync(key, path, content, temp =>
        {
            var current = ReadInfo(path);
            if (current is null || !string.Equals(current.ETag, etag, StringComparison.Ordinal))
            {
                return false;
            }

            File.Move(temp, path, overwrite: true);
            return true;
        }, ct);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        await using var held = await _locks.AcquireAsync(key, ct);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // The key's folder never existed: nothing to delete, which is what the caller wants.
        }
    }

    public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        return Task.FromResult(ReadInfo(path));
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        ArtifactKeys.ValidatePrefix(prefix);

        // Start at the deepest folder the prefix names, so listing one run does not walk every run.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Combine(_root, prefix[..lastSlash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var keys = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var file in Directory.EnumerateFiles(start, "*", options))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !key.StartsWith(ReservedFolder + "/", StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            yield return key;
        }

        await Task.CompletedTask;
    }

    /// <summary>
    /// Copies the content to a private temporary file without holding any lock (the slow part), then runs
    /// <paramref name="commit"/> under the key's lock; whatever commit did not move into place is deleted.
    /// </summary>
    private async Task<bool> WriteThenCommitAsync(string key, string path, Stream content, Func<string, bool> commit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(_tempFolder, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, ct);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var held = await _locks.AcquireAsync(key, ct);
            return commit(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static ArtifactInfo? ReadInfo(string path)
    {
        try
        {
            // Size, time and hash all come from one open handle, so they describe the same version of the file.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920);
            var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            var hash = SHA256.HashData(file);
            return new ArtifactInfo(file.Length, "\"" + Convert.ToHexStringLower(hash) + "\"", new DateTimeOffset(modified, TimeSpan.Zero));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Maps a key to a path inside the root; keys that try to leave it (.., absolute) are refused.</summary>
    private string PathFor(string key)
    {
        ArtifactKeys.Validate(key);
        if (key == ReservedFolder || key.StartsWith(ReservedFolder + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid artifact key '{key}': '{ReservedFolder}/' is reserved by the local store.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid artifact key '{key}'.", nameof(key));
        }

        return path;
    }
}
