using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// The job folders of a runner's work directory. Each job gets <c>tfjob-&lt;32 hex&gt;</c>; its marker file
/// <c>tfjob-&lt;32 hex&gt;.owner</c> (process id and start time of the runner that made it) is written before the
/// folder and removed after it, so a folder with a marker is one a runner created. Deleting never follows a symlink:
/// a link is removed, its target is left alone (a pull request can commit a link to any folder on the machine).
/// </summary>
public static partial class WorkspaceFolders
{
    public const string Prefix = "tfjob-";
    public const string MarkerSuffix = ".owner";

    /// <summary>Job folders of this process that are in use (a sweep leaves them alone whatever their age).</summary>
    private static readonly ConcurrentDictionary<string, byte> Active = new(StringComparer.Ordinal);

    private static readonly long ProcessStart = StartMilliseconds(Process.GetCurrentProcess());

    /// <summary>Reserves a new job folder in <paramref name="workDirectory"/> (writes its marker; the folder itself is left to git clone).</summary>
    public static string Reserve(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var root = Path.Combine(Path.GetFullPath(workDirectory), Prefix + Guid.NewGuid().ToString("N"));
        Active[root] = 0;
        File.WriteAllText(root + MarkerSuffix, $"{Environment.ProcessId}\n{ProcessStart}\n");
        return root;
    }

    /// <summary>Deletes a job folder (never following symlinks), then its marker.</summary>
    public static void Release(string root)
    {
        try
        {
            DeleteTree(root);
            File.Delete(root + MarkerSuffix);
        }
        finally
        {
            Active.TryRemove(root, out _);
        }
    }

    /// <summary>
    /// Deletes <paramref name="path"/> and everything below it without following any symlink: a link (to a file or a
    /// folder, inside or outside) is unlinked; only real folders are descended into. Read-only attributes are cleared
    /// on real files only (git marks pack files read-only; chmod through a link would change its target).
    /// </summary>
    public static void DeleteTree(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null)
        {
            File.Delete(path); // unlink(2): removes the link itself, also when it points at a directory
            return;
        }
        if (!info.Exists)
        {
            if (File.Exists(path)) DeleteFile(new FileInfo(path));
            return;
        }
        foreach (var entry in info.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            if (entry.LinkTarget is not null) File.Delete(entry.FullName);
            else if (entry is DirectoryInfo) DeleteTree(entry.FullName);
            else DeleteFile((FileInfo)entry);
        }
        info.Delete(recursive: false);
    }

    private static void DeleteFile(FileInfo file)
    {
        if (file.Attributes.HasFlag(FileAttributes.ReadOnly)) file.Attributes = FileAttributes.Normal;
        file.Delete();
    }

    /// <summary>
    /// Deletes stale job folders in <paramref name="workDirectory"/>: ones with a marker whose runner process is gone,
    /// ones this process created and no longer uses, and ones older than <paramref name="maxAge"/> (the longest a job
    /// can take). Only names this class creates are touched; symlinks in the work directory are never followed.
    /// </summary>
    /// <returns>The folders deleted.</returns>
    public static IReadOnlyList<string> Sweep(string workDirectory, TimeSpan maxAge, DateTimeOffset now)
    {
        var deleted = new List<string>();
        var work = new DirectoryInfo(workDirectory);
        if (!work.Exists || work.LinkTarget is not null) return deleted;
        foreach (var marker in work.EnumerateFiles(Prefix + "*" + MarkerSuffix))
        {
            var name = marker.Name[..^MarkerSuffix.Length];
            if (!JobFolderName().IsMatch(name) || marker.LinkTarget is not null) continue;
            var root = Path.Combine(work.FullName, name);
            if (Active.ContainsKey(root) || !IsStale(marker, maxAge, now)) continue;
            try
            {
                DeleteTree(root);
                marker.Delete();
                deleted.Add(root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next sweep; a folder the runner cannot delete is reported by the caller's count.
            }
        }
        return deleted;
    }

    private static bool IsStale(FileInfo marker, TimeSpan maxAge, DateTimeOffset now)
    {
        if (now - marker.LastWriteTimeUtc > maxAge) return true;
        string[] lines;
        try
        {
            if (marker.Length > 1024) return false; // not a marker this class wrote; judged by age only
            lines = File.ReadAllLines(marker.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (lines.Length < 2 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(lines[1], CultureInfo.InvariantCulture, out var started))
            return false;
        // This process made it and is not using it (Active was checked first): a job that ended without cleaning up.
        if (pid == Environment.ProcessId && started == ProcessStart) return true;
        return !IsAlive(pid, started);
    }

    /// <summary>True when process <paramref name="pid"/> runs and started when the marker says (a reused pid is another process).</summary>
    private static bool IsAlive(int pid, long startedMilliseconds)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return Math.Abs(StartMilliseconds(process) - startedMilliseconds) < 2_000;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static long StartMilliseconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();

    [GeneratedRegex("^tfjob-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex JobFolderName();
}
