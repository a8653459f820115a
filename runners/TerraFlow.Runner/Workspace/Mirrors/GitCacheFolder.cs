using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Workspace.Mirrors;

/// <summary>
/// The git cache folder's housekeeping for <see cref="GitMirror"/>: creating it runner-only, sweeping checkouts a killed
/// runner left in <c>.staging</c>, handing a staged checkout to the job's user, and best-effort file operations that
/// leave a failure for the next lease. Never follows a symlink.
/// </summary>
internal static class GitCacheFolder
{
    /// <summary>Creates the cache folder: runner-only (0700), with its scratch folders.</summary>
    internal static string Prepare(RunnerOptions options)
    {
        var cache = Path.GetFullPath(options.EffectiveGitCacheDir);
        foreach (var dir in new[] { cache, Path.Combine(cache, ".staging"), Path.Combine(cache, ".home") })
        {
            var info = Directory.CreateDirectory(dir);
            if (info.LinkTarget is not null) throw new WorkspaceException($"The git cache folder '{dir}' is a symlink; TerraFlow does not follow it.");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return cache;
    }

    /// <summary>
    /// Deletes staged checkouts older than <paramref name="maxAge"/> (a runner killed mid-checkout leaves one; a live
    /// checkout is written and moved within one clone timeout). Never follows a symlink.
    /// </summary>
    internal static void SweepStaging(string cache, TimeSpan maxAge)
    {
        try
        {
            foreach (var entry in new DirectoryInfo(Path.Combine(cache, ".staging")).EnumerateFileSystemInfos())
                if (DateTime.UtcNow - entry.LastWriteTimeUtc > maxAge)
                {
                    if (entry is DirectoryInfo && entry.LinkTarget is null) TryDeleteTree(entry.FullName);
                    else TryDelete(entry.FullName);
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* next lease tries again */ }
    }

    /// <summary>Hands every entry below <paramref name="root"/> to the job's user, never following a symlink.</summary>
    internal static void OwnTree(string root, JobUser owner)
    {
        owner.Own(root);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is null && entry is DirectoryInfo) OwnTree(entry.FullName, owner);
            else owner.Own(entry.FullName);
        }
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    internal static void TryDeleteTree(string path)
    {
        try
        {
            WorkspaceFolders.DeleteTree(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
