using System.Security.Cryptography;

namespace TerraFlow.Integration.Tests.DisasterRecovery;

/// <summary>
/// The local folder artifact store's backup is a file-level copy: every artifact is one immutable-once-written file
/// (written to a temp file and renamed into place), so copying the tree while nothing writes gives a consistent
/// backup. In Azure the same role is played by the Blob account's GZRS replication (or object replication / azcopy
/// to an account in the secondary region); the drill exercises the folder store only.
/// </summary>
internal static class ArtifactFolderBackup
{
    /// <summary>The store's own scratch space (temp files, lock files): not artifacts, so not part of a backup.</summary>
    private const string StoreBookkeeping = ".terraflow";

    public static void Copy(string sourceRoot, string destinationRoot)
    {
        foreach (var relative in ArtifactFiles(sourceRoot))
        {
            var target = Path.Combine(destinationRoot, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(sourceRoot, relative), target, overwrite: false);
        }
    }

    /// <summary>Relative path ('/'-separated, like an artifact key) → lower-case hex SHA-256 of the file.</summary>
    public static SortedDictionary<string, string> Hashes(string root) =>
        new(ArtifactFiles(root).ToDictionary(r => r.Replace(Path.DirectorySeparatorChar, '/'), r => Sha256(Path.Combine(root, r))), StringComparer.Ordinal);

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static IEnumerable<string> ArtifactFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(r => !r.StartsWith(StoreBookkeeping + Path.DirectorySeparatorChar, StringComparison.Ordinal));
}
