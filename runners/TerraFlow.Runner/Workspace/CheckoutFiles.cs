using System.Text;
using TerraFlow.Core.Projects;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// The one way the runner reads a pull request's files (config, CODEOWNERS, Terraform files for module discovery) and
/// resolves its directories (project dirs, policy folders). Every path is resolved the way the kernel would (each
/// symlink followed, "..", absolute link targets) and must end inside the checkout's real root: a symlink to
/// <c>/proc/self/environ</c>, to the App key, to <c>/dev/zero</c> or to a FIFO elsewhere is refused before anything is
/// opened. git itself only creates regular files, directories and symlinks, so inside the checkout there is no
/// device, FIFO or socket to open; anything that is not a regular file is refused anyway. Reads are bounded per file
/// and in total per job (<see cref="CheckoutLimits"/>), counting the bytes actually read, not the declared size.
/// </summary>
public sealed class CheckoutFiles
{
    private const int MaxLinkHops = 40;
    private readonly string _root;
    private readonly long _maxTotalBytes;
    private long _totalRead;

    /// <param name="maxTotalBytes">The job's budget for all reads together (tests use small ones).</param>
    public CheckoutFiles(string root, long maxTotalBytes = CheckoutLimits.MaxTotalBytes)
    {
        // The work folder itself may sit behind a symlink (/tmp → /private/tmp): compare real paths with real paths.
        _root = RealPath(Path.GetFullPath(root));
        _maxTotalBytes = maxTotalBytes;
    }

    /// <summary>The real path of the checkout's root.</summary>
    public string Root => _root;

    /// <summary>Bytes read so far through this instance (all files).</summary>
    public long TotalRead => _totalRead;

    /// <summary>Reads a repository-relative file as UTF-8 text, at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="RepositoryFileRefusedException">Outside the checkout, not a regular file, or too large.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public string ReadText(string relativePath, long maxBytes)
    {
        var full = Resolve(relativePath);
        if (Directory.Exists(full)) throw new RepositoryFileRefusedException(relativePath, "it is a directory, not a file.");
        if (!File.Exists(full)) throw new FileNotFoundException($"'{relativePath}' does not exist at this commit.", relativePath);
        var budget = Math.Min(maxBytes, _maxTotalBytes - _totalRead);
        var bytes = ReadBounded(full, relativePath, budget, maxBytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// The full path of a repository-relative directory when it exists inside the checkout; null when it does not
    /// exist at this commit.
    /// </summary>
    /// <exception cref="RepositoryFileRefusedException">It is (or passes through) a symlink that leaves the checkout, or is a file.</exception>
    public string? DirectoryPath(string relativePath)
    {
        var full = Resolve(relativePath);
        if (Directory.Exists(full)) return full;
        if (File.Exists(full)) throw new RepositoryFileRefusedException(relativePath, "it is a file, not a directory.");
        return null;
    }

    /// <summary>
    /// The real path of <paramref name="relativePath"/>, which must be inside the checkout (it need not exist).
    /// </summary>
    /// <exception cref="RepositoryFileRefusedException">It leaves the checkout (through "..", an absolute path or a symlink), or its symlinks loop.</exception>
    public string Resolve(string relativePath)
    {
        if (!RepoPath.TryNormalize(relativePath, out var normalized, out var problem))
            throw new RepositoryFileRefusedException(relativePath, problem!);
        var full = normalized == RepoPath.Root ? _root : Path.Combine(_root, normalized);
        string real;
        try
        {
            real = RealPath(full);
        }
        catch (IOException ex)
        {
            throw new RepositoryFileRefusedException(relativePath, ex.Message);
        }
        if (!IsInside(real))
            throw new RepositoryFileRefusedException(relativePath, "it is a symlink (or lies below one) that points outside the repository.");
        return real;
    }

    private bool IsInside(string real) =>
        real == _root || real.StartsWith(_root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private byte[] ReadBounded(string full, string relativePath, long budget, long maxBytes)
    {
        // FileShare.ReadWrite: never fail because something else has the file open; the size is bounded by reading.
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        if (!stream.CanSeek)
            throw new RepositoryFileRefusedException(relativePath, "it is not a regular file.");
        var limit = (int)Math.Max(0, Math.Min(budget, int.MaxValue - 1));
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var room = limit + 1 - (int)buffer.Length; // one byte more than allowed tells "too large" from "exactly the limit"
            if (room <= 0) break;
            var read = stream.Read(chunk, 0, Math.Min(chunk.Length, room));
            if (read == 0) break;
            buffer.Write(chunk, 0, read);
        }
        _totalRead += Math.Min(buffer.Length, limit);
        if (buffer.Length > limit)
        {
            throw new RepositoryFileRefusedException(relativePath, limit < maxBytes
                ? $"the files TerraFlow reads from this commit exceed {Size(_maxTotalBytes)} in total."
                : $"it is larger than {Size(maxBytes)}, the most TerraFlow reads of such a file.");
        }
        return buffer.ToArray();
    }

    private static string Size(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    /// <summary>
    /// realpath(3) in managed code: walks <paramref name="absolutePath"/> one name at a time, replacing each symlink by
    /// its target (relative targets against the link's directory, absolute ones from "/"), up to 40 links like the
    /// kernel. Names that do not exist are kept as they are.
    /// </summary>
    public static string RealPath(string absolutePath)
    {
        var pending = new Stack<string>();
        PushSegments(pending, absolutePath);
        var resolved = new List<string>();
        var prefix = Path.GetPathRoot(absolutePath) ?? "/";
        var hops = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = prefix + string.Join(Path.DirectorySeparatorChar, resolved.Append(segment));
            string? target;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                target = null; // e.g. a name below a regular file: it does not exist, and opening it will say so
            }
            if (target is null)
            {
                resolved.Add(segment);
                continue;
            }
            if (++hops > MaxLinkHops) throw new IOException("its symlinks form a loop.");
            if (Path.IsPathRooted(target))
            {
                resolved.Clear();
                prefix = Path.GetPathRoot(target) ?? "/";
            }
            PushSegments(pending, target);
        }
        return prefix + string.Join(Path.DirectorySeparatorChar, resolved);
    }

    private static void PushSegments(Stack<string> pending, string path)
    {
        var root = Path.GetPathRoot(path) ?? "";
        var segments = path[root.Length..].Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--) pending.Push(segments[i]);
    }
}

/// <summary>How much of a pull request's files the runner reads (see the runner README).</summary>
public static class CheckoutLimits
{
    /// <summary><c>.terraflow.yml</c> / <c>.terraflow.yaml</c>: 256 KiB (a 1,000-project config is about 100 KiB).</summary>
    public const long MaxConfigBytes = 256 * 1024;

    /// <summary>Each <c>.tf</c> / <c>.tf.json</c> file read to find module calls: 4 MiB.</summary>
    public const long MaxTerraformFileBytes = 4 * 1024 * 1024;

    /// <summary>Everything one job reads through <see cref="CheckoutFiles"/>: 64 MiB.</summary>
    public const long MaxTotalBytes = 64 * 1024 * 1024;
}
