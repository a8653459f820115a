using System.Text;
using System.Text.RegularExpressions;

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
/// </summary>
public sealed class CodeOwnersPattern
{
    private readonly Regex _regex;

    private CodeOwnersPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The pattern as written in the file.</summary>
    public string Text { get; }

    /// <summary>Compiles <paramref name="pattern"/>; false with a reason when the host would reject the line.</summary>
    public static bool TryCompile(string pattern, out CodeOwnersPattern? compiled, out string? problem)
    {
        compiled = null;
        problem = Validate(pattern);
        if (problem is not null) return false;
        // The regex is built from escaped literals and fixed fragments only, so user text cannot inject syntax.
        compiled = new CodeOwnersPattern(pattern, new Regex(ToRegex(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        return true;
    }

    /// <summary>True when the repository-relative file <paramref name="path"/> (no leading '/') is covered.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path);

    private static string? Validate(string pattern)
    {
        if (pattern.Length == 0) return "empty pattern";
        if (pattern[0] == '!') return "'!' negation is not supported in CODEOWNERS";
        if (pattern.StartsWith("\\#", StringComparison.Ordinal)) return "escaping a leading '#' is not supported in CODEOWNERS";
        if (pattern.Contains('[') || pattern.Contains(']')) return "'[ ]' character ranges are not supported in CODEOWNERS";
        if (pattern == "/") return "'/' alone matches nothing";
        return null;
    }

    private static string ToRegex(string pattern)
    {
        var segments = pattern.Split('/').ToList();
        var anchored = segments[0].Length == 0;
        if (anchored)
            segments.RemoveAt(0);
        else if ((segments.Count == 1 || (segments.Count == 2 && segments[1].Length == 0)) && segments[0] != "**")
            segments.Insert(0, "**"); // no slash but maybe a trailing one: match at any depth

        if (segments.Count > 1 && segments[^1].Length == 0) segments[^1] = "**"; // trailing slash: the directory's contents

        var re = new StringBuilder(@"\A");
        var last = segments.Count - 1;
        var needSlash = false;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment == "**")
            {
                if (i == 0 && i == last) re.Append(".+");
                else if (i == 0) re.Append("(?:.+/)?");
                else if (i == last) re.Append("/.*");
                else re.Append("(?:/.+)?");
                needSlash = i != 0;
                continue;
            }

            if (needSlash) re.Append('/');
            if (segment == "*")
            {
                re.Append("[^/]+");
            }
            else
            {
                AppendSegment(re, segment);
                if (i == last) re.Append("(?:/.*)?"); // a directory name also covers everything below it
            }
            needSlash = true;
        }
        return re.Append(@"\z").ToString();
    }

    private static void AppendSegment(StringBuilder re, string segment)
    {
        var escaped = false;
        foreach (var ch in segment)
        {
            if (escaped)
            {
                re.Append(Regex.Escape(ch.ToString()));
                escaped = false;
                continue;
            }
            switch (ch)
            {
                case '\\': escaped = true; break;
                case '*': re.Append("[^/]*"); break;
                case '?': re.Append("[^/]"); break;
                default: re.Append(Regex.Escape(ch.ToString())); break;
            }
        }
    }
}
