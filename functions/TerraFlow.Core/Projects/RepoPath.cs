namespace TerraFlow.Core.Projects;

/// <summary>
/// Helpers for repository-relative paths: '/' separators, no leading "./", "." for the root.
/// Every path that reaches change detection goes through here so that "infra/./net/" and "infra/net" are one key.
/// </summary>
public static class RepoPath
{
    /// <summary>The repository root as a directory value.</summary>
    public const string Root = ".";

    /// <summary>
    /// Normalizes <paramref name="path"/> ("./a//b/../c/" → "a/c"). Fails for absolute paths and for paths whose
    /// ".." segments climb above the repository root; <paramref name="problem"/> then says which.
    /// </summary>
    public static bool TryNormalize(string path, out string normalized, out string? problem)
    {
        normalized = Root;
        if (IsAbsolute(path))
        {
            problem = $"'{path}' is an absolute path; use a path relative to the repository root";
            return false;
        }

        var segments = new List<string>();
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    problem = $"'{path}' points outside the repository";
                    return false;
                }
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }

        normalized = segments.Count == 0 ? Root : string.Join('/', segments);
        problem = null;
        return true;
    }

    /// <summary>Normalizes a path that is already known to stay inside the repository, e.g. a changed file from a diff.</summary>
    public static string Normalize(string path) =>
        TryNormalize(path, out var normalized, out var problem) ? normalized : throw new ArgumentException(problem, nameof(path));

    /// <summary>Directory of a file path: "a/b/c.tf" → "a/b", "main.tf" → ".".</summary>
    public static string DirectoryOf(string filePath)
    {
        var slash = filePath.LastIndexOf('/');
        return slash < 0 ? Root : filePath[..slash];
    }

    /// <summary>Resolves <paramref name="relative"/> against <paramref name="directory"/>; false when it leaves the repository.</summary>
    public static bool TryCombine(string directory, string relative, out string combined) =>
        TryNormalize(directory == Root ? relative : directory + "/" + relative, out combined, out _);

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> itself or lies below it.</summary>
    public static bool IsWithin(string path, string directory) =>
        directory == Root
        || path == directory
        || (path.Length > directory.Length && path[directory.Length] == '/' && path.StartsWith(directory, StringComparison.Ordinal));

    /// <summary>
    /// True for paths TerraFlow never treats as Terraform sources: anything inside a hidden directory
    /// (".git/", a VCS host's settings folder) and in particular ".terraform/", where `terraform init` copies
    /// downloaded modules.
    /// </summary>
    public static bool IsInHiddenDirectory(string filePath)
    {
        var start = 0;
        while (true)
        {
            var slash = filePath.IndexOf('/', start);
            if (slash < 0) return false;
            if (filePath[start] == '.' && slash - start > 1 && !(slash - start == 2 && filePath[start + 1] == '.')) return true;
            start = slash + 1;
        }
    }

    private static bool IsAbsolute(string path) =>
        path.StartsWith('/') || path.StartsWith('\\') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':');
}
