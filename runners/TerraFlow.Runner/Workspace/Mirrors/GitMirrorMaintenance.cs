using TerraFlow.Runner.Processes;

namespace TerraFlow.Runner.Workspace.Mirrors;

/// <summary>What one maintenance attempt did.</summary>
/// <param name="Ran">False when another lease held the mirror (or it does not exist): nothing was touched.</param>
/// <param name="RefsPruned">How many <c>refs/terraflow/*</c> refs were deleted.</param>
/// <param name="Repacked">Whether the mirror's packs were rewritten into one.</param>
public sealed record GitMirrorMaintenanceResult(bool Ran, int RefsPruned, bool Repacked)
{
    public static readonly GitMirrorMaintenanceResult Skipped = new(false, 0, false);
}

/// <summary>
/// Keeps a mirror fast as jobs add to it: every job's fetch adds a ref (<c>refs/terraflow/&lt;sha&gt;</c>) and a pack
/// (<c>transfer.unpackLimit=1</c>), and nothing else ever removes them. Runs only with the mirror's <c>.use</c> lock
/// taken exclusive without waiting, i.e. when no job holds a lease: deleting refs and dropping unreachable objects
/// would otherwise pull a commit out from under a job's checkout, diff or cat-file. When a job holds it, the attempt
/// is skipped; the next job to end tries again. Cheap when nothing is due: one directory listing and one
/// <c>for-each-ref</c>.
/// </summary>
public static class GitMirrorMaintenance
{
    /// <summary>
    /// The mirror's fetch log (one SHA a line, appended by every fetch under the write lock): the order in which
    /// commits were last wanted, so pruning keeps the commits jobs actually use rather than the newest by date.
    /// </summary>
    public const string UseLog = "terraflow-used";

    /// <summary>
    /// Ref deletions per attempt: one <c>update-ref -d</c> each (the runner's process helper has no stdin for
    /// <c>--stdin</c>), so a mirror that grew before maintenance existed is trimmed over a few jobs, never one long pause.
    /// </summary>
    private const int MaxDeletionsPerRun = 512;

    /// <param name="git">Runs the runner's own git in the mirror (allow-listed environment, no credential).</param>
    public static async Task<GitMirrorMaintenanceResult> RunAsync(
        string gitDir, string useFile, int maxRefs, int maxPacks,
        Func<string[], CancellationToken, Task<ProcessResult>> git, CancellationToken ct)
    {
        using var exclusive = await FileLock.AcquireAsync(useFile, exclusive: true, TimeSpan.Zero, ct);
        if (exclusive is null) return GitMirrorMaintenanceResult.Skipped; // a job is using it
        if (!File.Exists(Path.Combine(gitDir, "HEAD"))) return GitMirrorMaintenanceResult.Skipped; // never fetched or evicted
        var pruned = await PruneRefsAsync(gitDir, Math.Max(1, maxRefs), git, ct);
        var repacked = false;
        if (CountPacks(gitDir) > Math.Max(1, maxPacks))
        {
            // -a -d: one pack of what the refs reach; objects only pruned refs reached are dropped. Safe only because no
            // job holds the mirror (a concurrent reader could lose a pack it is reading).
            var repack = await git(["repack", "-a", "-d", "-q"], ct);
            if (repack.ExitCode != 0) throw new WorkspaceException($"git repack failed (exit {repack.ExitCode}): {repack.StandardError.Trim()}");
            repacked = true;
        }
        return new GitMirrorMaintenanceResult(true, pruned, repacked);
    }

    /// <summary>The mirror's pack files (what <c>git count-objects -v</c> reports as <c>packs</c>), without a process.</summary>
    public static int CountPacks(string gitDir)
    {
        var packs = Path.Combine(gitDir, "objects", "pack");
        return Directory.Exists(packs) ? Directory.EnumerateFiles(packs, "*.pack").Count() : 0;
    }

    /// <summary>Deletes all but the <paramref name="maxRefs"/> most recently fetched refs; compacts the fetch log.</summary>
    private static async Task<int> PruneRefsAsync(string gitDir, int maxRefs, Func<string[], CancellationToken, Task<ProcessResult>> git, CancellationToken ct)
    {
        var logPath = Path.Combine(gitDir, UseLog);
        var logLength = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
        var list = await git(["for-each-ref", "--format=%(refname)", GitMirror.RefPrefix], ct);
        if (list.ExitCode != 0) throw new WorkspaceException($"git for-each-ref failed (exit {list.ExitCode}): {list.StandardError.Trim()}");
        var refs = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Nothing due: few refs, and a log no longer than a few lines per kept ref.
        if (refs.Length <= maxRefs && logLength <= 4L * 65 * maxRefs) return 0;

        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = File.Exists(logPath) ? await File.ReadAllLinesAsync(logPath, ct) : [];
        for (var i = 0; i < lines.Length; i++) lastUse[GitMirror.RefPrefix + lines[i].Trim().ToLowerInvariant()] = i;
        // Most recently fetched first; refs the log does not know (older than it) last.
        var ranked = refs.OrderByDescending(r => lastUse.GetValueOrDefault(r, -1)).ThenBy(r => r, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(maxRefs).ToList();
        var doomed = ranked.Skip(maxRefs).Take(MaxDeletionsPerRun).ToList();
        var deleted = 0;
        foreach (var name in doomed)
        {
            var delete = await git(["update-ref", "-d", name], ct);
            if (delete.ExitCode != 0) throw new WorkspaceException($"git update-ref -d failed (exit {delete.ExitCode}): {delete.StandardError.Trim()}");
            deleted++;
        }
        // Rewritten oldest first, so appends keep the order; refs left for a later run keep no entry (they rank last).
        var survivors = kept.AsEnumerable().Reverse().Select(r => r[GitMirror.RefPrefix.Length..] + "\n");
        var temp = logPath + ".tmp";
        await File.WriteAllTextAsync(temp, string.Concat(survivors), ct);
        File.Move(temp, logPath, overwrite: true);
        return deleted;
    }
}
