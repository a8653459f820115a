using TerraFlow.Runner.Workspace.Mirrors;

namespace TerraFlow.Runner.Providers;

/// <summary>
/// Keeps the provider cache under its size bound, like <see cref="GitCacheEviction"/> for the git mirrors: whole
/// entries (one provider version for one platform, <c>mirror/HOST/NAMESPACE/TYPE/VERSION/OS_ARCH</c>) are deleted
/// least recently used first (their <c>.use</c> file's modification time, see <see cref="ProviderCacheLease"/>) until
/// the rest fit. An entry is deleted only with both its <c>.use</c> file and its fill lock (<see cref="CacheEntryLock"/>)
/// taken exclusively without waiting: one a job is using, or a runner is filling or repairing, is skipped. The entry is
/// renamed into <c>trash/</c> first, so a job never sees half of one; the lock files stay (a few bytes), so no lock is
/// ever taken on a file another runner just unlinked.
/// </summary>
internal static class ProviderCacheEviction
{
    /// <returns>The entry folders deleted.</returns>
    public static async Task<IReadOnlyList<string>> TrimAsync(ProviderCache cache, long maxBytes, CancellationToken ct)
    {
        var deleted = new List<string>();
        List<Entry> entries;
        try
        {
            cache.Prepare(); // trash/ and locks/, with their modes
            entries = Entries(cache).OrderBy(e => e.Used).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return deleted;
        }
        var total = entries.Sum(e => e.Bytes);
        foreach (var entry in entries)
        {
            if (total <= maxBytes) break;
            ct.ThrowIfCancellationRequested();
            try
            {
                using var use = await FileLock.AcquireAsync(entry.UseFile, exclusive: true, TimeSpan.Zero, ct);
                if (use is null) continue; // a job is using it
                using var fill = await FileLock.AcquireAsync(entry.FillLock, exclusive: true, TimeSpan.Zero, ct);
                if (fill is null) continue; // being filled or repaired
                var trash = Path.Combine(cache.Root, "trash", Guid.NewGuid().ToString("N"));
                Directory.Move(entry.Dir, trash);
                total -= entry.Bytes;
                deleted.Add(entry.Dir);
                ProviderFetch.DeleteQuietly(trash);
                TryRemoveEmpty(Path.GetDirectoryName(entry.Dir)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next trim.
            }
        }
        return deleted;
    }

    private sealed record Entry(string Dir, string UseFile, string FillLock, long Bytes, DateTime Used);

    /// <summary>The folders five levels below <c>mirror/</c>: Terraform's unpacked layout, one package each.</summary>
    private static IEnumerable<Entry> Entries(ProviderCache cache)
    {
        var mirror = new DirectoryInfo(cache.MirrorPath);
        if (!mirror.Exists) yield break;
        foreach (var host in Folders(mirror))
        foreach (var ns in Folders(host))
        foreach (var type in Folders(ns))
        foreach (var version in Folders(type))
        foreach (var platform in Folders(version))
        {
            var address = $"{host.Name}/{ns.Name}/{type.Name}";
            var use = cache.KeyFile(address, version.Name, platform.Name, ".use");
            yield return new Entry(platform.FullName, use, cache.KeyFile(address, version.Name, platform.Name, ".lock"),
                GitCacheEviction.Size(platform), File.Exists(use) ? File.GetLastWriteTimeUtc(use) : DateTime.MinValue);
        }
    }

    // Symlinks are not followed: the runner makes none in the mirror, and one planted there must not lead elsewhere.
    private static IEnumerable<DirectoryInfo> Folders(DirectoryInfo dir) => dir.EnumerateDirectories().Where(d => d.LinkTarget is null);

    /// <summary>Removes the version folder once its last platform is gone (best effort; another runner may be filling it).</summary>
    private static void TryRemoveEmpty(string dir)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
