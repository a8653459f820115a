using TerraFlow.Core.Globbing;

namespace TerraFlow.Core.CodeOwners;

/// <summary>
/// One CODEOWNERS path pattern, with the gitignore-like rules the common CODEOWNERS syntax documents:
/// <list type="bullet">
/// <item>A pattern without a slash (other than a trailing one) matches at any depth: <c>*.js</c>, <c>apps/</c>.</item>
/// <item>A leading or inner slash anchors the pattern at the repository root: <c>/docs/</c>, <c>docs/*</c>.</item>
/// <item>A trailing slash means "everything inside that directory, at any depth".</item>
/// <item><c>*</c> never crosses a '/': <c>docs/*</c> owns <c>docs/a.md</c> but not <c>docs/build/a.md</c>.</item>
/// <item><c>**</c> spans directories: <c>**/logs</c>, <c>a/**/b</c>, <c>a/**</c>.</item>
/// <item>A pattern naming a directory without a trailing slash (<c>/apps/web</c>) owns everything below it too.</item>
/// </list>
/// Matching is case-sensitive, as the hosts match. The three gitignore features that syntax says do not work here
/// ('!' negation, '[ ]' ranges, "\#" escapes) are rejected by <see cref="TryCompile"/> rather than half-supported.
/// Compiled once into a <see cref="SegmentGlob"/>: matching is linear in the path and never backtracks (the regular
/// expressions used before could be made catastrophic by a pattern and then threw a timeout that crashed discovery).
/// </summary>
public sealed class CodeOwnersPattern
{
    /// <summary>Longest pattern accepted; longer lines make the whole file a configuration error.</summary>
    public const int MaxLength = 1024;

    private readonly SegmentGlob _glob;

    // Text every matching path contains (the longest wildcard-free piece of the pattern): a substring search rejects
    // almost every path before the automaton runs, which matters with tens of thousands of rules.
    private readonly string _required;

    private CodeOwnersPattern(string text, SegmentGlob glob, string? leadingLiteral, string required)
    {
        Text = text;
        _glob = glob;
        LeadingLiteral = leadingLiteral;
        _required = required;
    }

    /// <summary>The pattern as written in the file.</summary>
    public string Text { get; }

    /// <summary>
    /// The wildcard-free directory every match starts with or is ("infra/net" for <c>/infra/net/</c>, "docs" for
    /// <c>docs/*</c>), or null when the pattern can match at any depth or starts with a wildcard. Lets a file test
    /// only the rules that can match a path.
    /// </summary>
    public string? LeadingLiteral { get; }

    /// <summary>Compiles <paramref name="pattern"/>; false with a reason when the host would reject the line.</summary>
    public static bool TryCompile(string pattern, out CodeOwnersPattern? compiled, out string? problem)
    {
        compiled = null;
        problem = Validate(pattern);
        if (problem is not null) return false;
        compiled = Compile(pattern);
        return true;
    }

    /// <summary>True when the repository-relative file <paramref name="path"/> (no leading '/') is covered.</summary>
    public bool IsMatch(string path) =>
        (_required.Length == 0 || path.Contains(_required, StringComparison.Ordinal)) && _glob.IsMatch(path);

    private static string? Validate(string pattern)
    {
        if (pattern.Length == 0) return "empty pattern";
        if (pattern.Length > MaxLength) return $"the pattern is {pattern.Length:N0} characters long; at most {MaxLength:N0} are allowed";
        if (pattern[0] == '!') return "'!' negation is not supported in CODEOWNERS";
        if (pattern.StartsWith("\\#", StringComparison.Ordinal)) return "escaping a leading '#' is not supported in CODEOWNERS";
        if (pattern.Contains('[') || pattern.Contains(']')) return "'[ ]' character ranges are not supported in CODEOWNERS";
        if (pattern == "/") return "'/' alone matches nothing";
        return null;
    }

    private static CodeOwnersPattern Compile(string pattern)
    {
        var segments = pattern.Split('/').ToList();
        var anchored = segments[0].Length == 0;
        if (anchored)
            segments.RemoveAt(0);
        else if ((segments.Count == 1 || (segments.Count == 2 && segments[1].Length == 0)) && segments[0] != "**")
            segments.Insert(0, "**"); // no slash but maybe a trailing one: match at any depth

        if (segments.Count > 1 && segments[^1].Length == 0) segments[^1] = "**"; // trailing slash: the directory's contents

        var last = segments.Count - 1;
        var compiled = new GlobSegment[segments.Count];
        for (var i = 0; i <= last; i++)
        {
            compiled[i] = segments[i] switch
            {
                // Leading or inner '**': any number of directories, none included. A trailing one (or '**' alone)
                // needs at least one more segment: "a/**" owns what is inside a, not a itself.
                "**" when i == last => new GlobSegment(GlobSegmentKind.AnySegment),
                "**" => GlobSegment.AnySegments,
                "*" => new GlobSegment(GlobSegmentKind.NonEmptySegment),
                var text => new GlobSegment(GlobSegmentKind.Wildcard, SegmentWildcard.Parse(text, backslashEscapes: true)),
            };
        }
        // A last segment that names something (a directory or file name) also covers everything below it; a lone
        // '*' does not: "docs/*" owns docs/a.md but not docs/build/a.md.
        var glob = new SegmentGlob(compiled, matchesBelow: segments[last] != "*");
        var literals = compiled.TakeWhile(c => c is { Kind: GlobSegmentKind.Wildcard, Wildcard.IsLiteral: true }).Select(c => c.Wildcard!.Literal!).ToList();
        var leading = literals.Count == 0 ? null : string.Join('/', literals);
        var required = compiled.Where(c => c.Wildcard is not null).Select(c => c.Wildcard!.LongestLiteral).DefaultIfEmpty("").MaxBy(t => t.Length)!;
        return new CodeOwnersPattern(pattern, glob, leading, required);
    }
}
