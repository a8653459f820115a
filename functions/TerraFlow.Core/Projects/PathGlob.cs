using TerraFlow.Core.Globbing;

namespace TerraFlow.Core.Projects;

/// <summary>
/// A compiled <c>when_modified</c> pattern, already resolved against the project directory so it matches
/// repository-relative paths. Semantics follow Atlantis:
/// <list type="bullet">
/// <item><c>*</c> matches any run of characters inside one path segment, <c>?</c> exactly one such character;</item>
/// <item><c>**</c> as a whole segment matches zero or more segments;</item>
/// <item>a pattern that matches a directory also matches every file below it ("modules/vpc" matches "modules/vpc/main.tf");</item>
/// <item>a leading <c>!</c> marks an exclusion; exclusions are evaluated by <see cref="WhenModifiedRules"/>.</item>
/// </list>
/// The pattern is compiled once into segments; matching allocates nothing and is linear in the path's length
/// (see <see cref="SegmentGlob"/>: no backtracking, whatever the number of <c>**</c>).
/// </summary>
public sealed class PathGlob
{
    private readonly SegmentGlob _matcher;

    private PathGlob(string pattern, bool negated, string literalDirectory, SegmentGlob matcher)
    {
        Pattern = pattern;
        Negated = negated;
        LiteralDirectory = literalDirectory;
        _matcher = matcher;
    }

    /// <summary>The repository-relative pattern without the '!' prefix, e.g. "infra/modules/**/*.tf".</summary>
    public string Pattern { get; }

    /// <summary>True for an exclusion pattern ("!file.tf").</summary>
    public bool Negated { get; }

    /// <summary>
    /// The wildcard-free directory every match lies below ("" for the repository root). Change detection
    /// indexes patterns by it so a changed file is only tested against patterns of its ancestor directories.
    /// </summary>
    public string LiteralDirectory { get; }

    /// <summary>
    /// Resolves <paramref name="pattern"/> (relative to <paramref name="projectDir"/>, may start with "../") and compiles it.
    /// Fails with a user-facing <paramref name="problem"/> for absolute patterns, patterns climbing out of the
    /// repository and ".." after a wildcard segment.
    /// </summary>
    public static bool TryCompile(string projectDir, string pattern, out PathGlob? glob, out string? problem)
    {
        glob = null;
        var negated = pattern.StartsWith('!');
        var body = negated ? pattern[1..] : pattern;
        if (body.Length == 0)
        {
            problem = "empty pattern";
            return false;
        }
        if (body.StartsWith('/') || body.StartsWith('\\'))
        {
            problem = $"pattern '{pattern}' is absolute; patterns are relative to the project dir (use '../' to reach other directories)";
            return false;
        }

        var parts = new List<string>();
        if (projectDir != RepoPath.Root) parts.AddRange(projectDir.Split('/'));
        foreach (var part in body.Replace('\\', '/').Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part != "..")
            {
                parts.Add(part);
                continue;
            }
            if (parts.Count == 0)
            {
                problem = $"pattern '{pattern}' points outside the repository";
                return false;
            }
            if (HasWildcard(parts[^1]))
            {
                problem = $"pattern '{pattern}' uses '..' after a wildcard segment";
                return false;
            }
            parts.RemoveAt(parts.Count - 1);
        }
        if (parts.Count == 0)
        {
            // "." or "dir/.." – the project directory (or root) itself, i.e. everything below it.
            parts.Add("**");
        }

        // Leading literal segments form the index key; the last segment always stays in the matcher.
        var literalCount = 0;
        while (literalCount < parts.Count - 1 && !HasWildcard(parts[literalCount])) literalCount++;
        // Pattern used up before the path counts as a match: a pattern naming a directory covers what is below it.
        var matcher = new SegmentGlob(parts.Skip(literalCount).Select(Segment).ToArray(), matchesBelow: true);
        glob = new PathGlob(string.Join('/', parts), negated, string.Join('/', parts.Take(literalCount)), matcher);
        problem = null;
        return true;
    }

    /// <summary>Compiles or throws <see cref="ArgumentException"/>; for patterns already validated by the config parser.</summary>
    public static PathGlob Compile(string projectDir, string pattern) =>
        TryCompile(projectDir, pattern, out var glob, out var problem) ? glob! : throw new ArgumentException(problem, nameof(pattern));

    /// <summary>True when the repository-relative <paramref name="path"/> matches (ignoring <see cref="Negated"/>).</summary>
    public bool IsMatch(string path)
    {
        if (LiteralDirectory.Length == 0) return MatchesBelowLiteralDirectory(path);
        return path.Length > LiteralDirectory.Length
            && path[LiteralDirectory.Length] == '/'
            && path.StartsWith(LiteralDirectory, StringComparison.Ordinal)
            && MatchesBelowLiteralDirectory(path.AsSpan(LiteralDirectory.Length + 1));
    }

    /// <summary>Matches the part of a path after "<see cref="LiteralDirectory"/>/" (the caller already checked the prefix).</summary>
    internal bool MatchesBelowLiteralDirectory(ReadOnlySpan<char> rest) => _matcher.IsMatch(rest);

    public override string ToString() => Negated ? "!" + Pattern : Pattern;

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;

    private static GlobSegment Segment(string text) =>
        text == "**" ? GlobSegment.AnySegments : new GlobSegment(GlobSegmentKind.Wildcard, SegmentWildcard.Parse(text));
}
