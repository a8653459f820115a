using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Runner.Providers;

/// <summary>
/// The <c>h1:</c> hash Terraform and OpenTofu record in lock files for an unpacked provider package: Go's
/// <c>dirhash.Hash1</c> over the package folder, i.e. SHA-256 over the lines <c>"&lt;sha256 hex&gt;  &lt;relative
/// path&gt;\n"</c> of every file, sorted by path (byte order, <c>/</c> separators), base64. The runner computes it to
/// decide whether a cached package is the one a project's lock file names before it lets the project use it;
/// Terraform checks it again when it installs the package.
/// </summary>
public static class ProviderPackageHash
{
    /// <summary>The hash, or null when the folder holds something that is not a regular file or folder (a symlink).</summary>
    public static string? H1(string directory, CancellationToken ct = default)
    {
        var root = new DirectoryInfo(directory);
        if (!root.Exists || root.LinkTarget is not null) return null;
        var files = new List<(string Relative, string Full)>();
        if (!Collect(root, "", files)) return null;
        files.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        var summary = new StringBuilder();
        foreach (var (relative, full) in files)
        {
            ct.ThrowIfCancellationRequested();
            if (relative.Contains('\n')) return null;
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            summary.Append(Convert.ToHexStringLower(SHA256.HashData(stream))).Append("  ").Append(relative).Append('\n');
        }
        return "h1:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(summary.ToString())));
    }

    private static bool Collect(DirectoryInfo dir, string prefix, List<(string, string)> files)
    {
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) return false;
            var relative = prefix.Length == 0 ? entry.Name : prefix + "/" + entry.Name;
            if (entry is DirectoryInfo sub)
            {
                if (!Collect(sub, relative, files)) return false;
            }
            else if (entry is FileInfo file && (file.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0)
            {
                files.Add((relative, file.FullName));
            }
            else
            {
                return false;
            }
        }
        return true;
    }
}
