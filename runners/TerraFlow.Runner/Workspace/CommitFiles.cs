using System.Text;
using TerraFlow.Core.Projects;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// Files of one commit read straight from git's object store, not from the checkout: how the runner reads the base
/// commit's rules (<c>.terraflow.yml</c>, CODEOWNERS, policy folders) while the head is checked out. Only regular files
/// count; a symlink or submodule where a rule file should be is refused, so nothing outside the commit is ever read.
/// Every rule-file read goes through <see cref="ReadTextAsync"/>.
/// </summary>
public sealed class CommitFiles(GitWorkspace workspace, string commit)
{
    /// <summary>Upper bound of one exported policy folder set; more is refused (a policy check that cannot run denies).</summary>
    public const long MaxExportBytes = 16 * 1024 * 1024;

    public string Commit { get; } = commit;

    /// <param name="Mode">Git's file mode: 100644/100755 regular, 120000 symlink, 160000 submodule.</param>
    public sealed record Entry(string Mode, string ObjectId, long Size, string Path)
    {
        public bool IsRegularFile => Mode is "100644" or "100755";
    }

    /// <summary>The files at or below <paramref name="path"/> (repository-relative), recursively. The path is taken
    /// literally, never as pathspec magic such as <c>:(glob)</c>.</summary>
    public async Task<IReadOnlyList<Entry>> ListAsync(string path, CancellationToken ct)
    {
        var result = await workspace.ObjectsGitAsync(ct, "--literal-pathspecs", "ls-tree", "-r", "-l", "-z", "--full-tree", Commit, "--", path);
        var entries = new List<Entry>();
        foreach (var line in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <object> <size padded>\t<path>"
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            var fields = line[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4) continue;
            entries.Add(new Entry(fields[0], fields[2], long.TryParse(fields[3], out var size) ? size : -1, line[(tab + 1)..]));
        }
        return entries;
    }

    /// <summary>
    /// The text of one file of the commit, or null when the commit has no such file.
    /// </summary>
    /// <exception cref="WorkspaceException">It is a symlink or submodule, or larger than <paramref name="maxBytes"/>.</exception>
    public async Task<string?> ReadTextAsync(string path, long maxBytes, CancellationToken ct)
    {
        var entry = (await ListAsync(path, ct)).FirstOrDefault(e => e.Path == path);
        if (entry is null) return null;
        if (!entry.IsRegularFile)
            throw new WorkspaceException($"'{path}' at commit {Short} is not a regular file (mode {entry.Mode}); TerraFlow does not follow symlinks.");
        if (entry.Size < 0 || entry.Size > maxBytes)
            throw new WorkspaceException($"'{path}' at commit {Short} is larger than the {maxBytes} bytes TerraFlow reads.");
        var blob = await workspace.ObjectsGitAsync(ct, "cat-file", "blob", entry.ObjectId);
        return blob.StandardOutput;
    }

    /// <summary>
    /// Writes the regular files below <paramref name="folders"/> into <paramref name="destination"/> at their
    /// repository-relative paths. Returns the folders that exist in the commit.
    /// </summary>
    /// <exception cref="WorkspaceException">A symlink or submodule inside a folder, a path that is not a plain
    /// repository path, or more than <see cref="MaxExportBytes"/> in total.</exception>
    public async Task<IReadOnlySet<string>> ExportAsync(IReadOnlyList<string> folders, string destination, CancellationToken ct)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var folder in folders)
        {
            foreach (var entry in await ListAsync(folder, ct))
            {
                if (!RepoPath.IsWithin(entry.Path, folder)) continue;
                if (!entry.IsRegularFile)
                    throw new WorkspaceException($"Policy folder '{folder}' holds '{entry.Path}', which is not a regular file (mode {entry.Mode}) at commit {Short}.");
                if (!RepoPath.TryNormalize(entry.Path, out var normalized, out _) || normalized != entry.Path)
                    throw new WorkspaceException($"Policy folder '{folder}' holds a path TerraFlow does not write: '{entry.Path}'.");
                total += Math.Max(entry.Size, 0);
                if (total > MaxExportBytes)
                    throw new WorkspaceException($"Policy folders at commit {Short} hold more than {MaxExportBytes} bytes.");
                var blob = await workspace.ObjectsGitAsync(ct, "cat-file", "blob", entry.ObjectId);
                var target = Path.Combine(destination, entry.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, blob.StandardOutput, new UTF8Encoding(false), ct);
                present.Add(folder);
            }
        }
        return present;
    }

    private string Short => Commit.Length > 12 ? Commit[..12] : Commit;
}
