namespace TerraFlow.Runner.Workspace.Mirrors;

/// <summary>
/// Keeps the git cache under its size bound: mirrors are deleted least recently used first (the modification time of
/// their <c>&lt;key&gt;.use</c> file, touched when a job takes and ends its lease) until the rest fit. A mirror a job
/// is using (its <c>.use</c> lock held shared, by this process or another) is never deleted; the lock files stay (a few
/// bytes), so a lock is never taken on a file another runner just unlinked.
/// </summary>
public static class GitCacheEviction
{
    /// <returns>The mirrors deleted.</returns>
    public static async Task<IReadOnlyList<string>> TrimAsync(string cache, long maxBytes)
    {
        var deleted = new List<string>();
        List<(string Dir, string UseFile, long Bytes, DateTime Used)> mirrors;
        try
        {
            mirrors = new DirectoryInfo(cache).EnumerateDirectories("*.git")
                .Where(d => d.LinkTarget is null)
                .Select(d =>
                {
                    var use = Path.Combine(cache, d.Name[..^4] + ".use");
                    return (d.FullName, use, Size(d), File.Exists(use) ? File.GetLastWriteTimeUtc(use) : DateTime.MinValue);
                })
                .OrderBy(m => m.Item4)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return deleted;
        }
        var total = mirrors.Sum(m => m.Bytes);
        foreach (var mirror in mirrors)
        {
            if (total <= maxBytes) break;
            try
            {
                using var exclusive = await FileLock.AcquireAsync(mirror.UseFile, exclusive: true, TimeSpan.Zero, CancellationToken.None);
                if (exclusive is null) continue; // in use
                WorkspaceFolders.DeleteTree(mirror.Dir);
                total -= mirror.Bytes;
                deleted.Add(mirror.Dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next trim.
            }
        }
        return deleted;
    }

    /// <summary>Bytes of the files below a folder (symlinks not followed; git makes none in a bare repository).</summary>
    public static long Size(DirectoryInfo dir)
    {
        long bytes = 0;
        try
        {
            foreach (var file in dir.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
                bytes += file.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return bytes;
    }
}
