using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TerraFlow.Core.Comments;

/// <summary>
/// Escaping helpers. Everything in a comment that comes from a repository or from Terraform (names, addresses, values,
/// plan output, error text) goes through one of these, so that no content can break the comment's structure:
/// close a code block early, split a table cell, or open/close a <c>&lt;details&gt;</c> element.
/// </summary>
internal static partial class MarkdownText
{
    /// <summary>Longest run of consecutive backticks; a fence must be longer than it to contain the text safely.</summary>
    public static int LongestBacktickRun(string text)
    {
        int longest = 0, current = 0;
        foreach (var c in text)
        {
            current = c == '`' ? current + 1 : 0;
            if (current > longest) longest = current;
        }
        return longest;
    }

    /// <summary>A code fence (at least three backticks) that no backtick run inside <paramref name="content"/> can close.</summary>
    public static string FenceFor(string content) => new('`', Math.Max(3, LongestBacktickRun(content) + 1));

    /// <summary>Inline code for any text: line breaks become "↵" (a code span cannot hold a paragraph break).</summary>
    public static string Code(string text)
    {
        if (text.Length == 0) return "(empty)";
        var flat = text.Contains('\n') || text.Contains('\r')
            ? text.Replace("\r\n", "↵", StringComparison.Ordinal).Replace('\n', '↵').Replace('\r', '↵')
            : text;
        var ticks = new string('`', LongestBacktickRun(flat) + 1);
        // CommonMark strips one space on each side, which lets a span start or end with a backtick.
        var pad = flat[0] == '`' || flat[^1] == '`' ? " " : "";
        return string.Concat(ticks, pad, flat, pad, ticks);
    }

    /// <summary>Makes Markdown safe inside a table cell: GFM splits cells on any unescaped pipe, even inside code spans.</summary>
    public static string TableCell(string markdown) =>
        markdown.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>Escapes text for raw HTML such as <c>&lt;summary&gt;</c>, where Markdown code spans do not render.</summary>
    public static string Html(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'\r\n") < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\r' or '\n' => " ",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxChars"/> chars (ending in "…"), never inside a surrogate pair.</summary>
    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var cut = Math.Max(0, maxChars - 1);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>Counts with thousands separators, independent of the machine's culture.</summary>
    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 resource change" / "3 resource changes".</summary>
    public static string Plural(int n, string singular, string plural) => $"{Count(n)} {(n == 1 ? singular : plural)}";

    /// <summary>The 7-character short SHA people recognise from their VCS host.</summary>
    public static string ShortSha(string sha) => sha.Length > 7 ? sha[..7] : sha;

    /// <summary>Appends a fenced code block; the fence is longer than any backtick run in the content.</summary>
    public static void AppendCodeBlock(StringBuilder sb, string content, string info = "")
    {
        var fence = FenceFor(content);
        sb.Append(fence).Append(info).Append('\n').Append(content);
        if (content.Length > 0 && content[^1] != '\n') sb.Append('\n');
        sb.Append(fence).Append("\n\n");
    }

    /// <summary>
    /// A Markdown link, or null when <paramref name="url"/> is not an absolute http(s) URL. Characters that could end
    /// the link destination or split a table cell are percent-encoded, so the link is safe anywhere, even in a table.
    /// </summary>
    public static string? Link(string text, string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var sb = new StringBuilder(uri.AbsoluteUri.Length + 16);
        foreach (var c in uri.AbsoluteUri)
        {
            sb.Append(c switch
            {
                '(' => "%28", ')' => "%29", '|' => "%7C", '<' => "%3C", '>' => "%3E", ' ' => "%20",
                '[' => "%5B", ']' => "%5D", '`' => "%60", '"' => "%22", '\'' => "%27", '\\' => "%5C",
                _ => c.ToString(),
            });
        }
        return $"[{text}]({sb})";
    }

    /// <summary>
    /// "@login" for a VCS host login or team/group ("org/team"), which pings them like any mention. Anything that is not a
    /// plausible login (spaces, Markdown, HTML) is shown as inline code instead, so it cannot inject formatting.
    /// </summary>
    public static string User(string login)
    {
        var name = login.Trim().TrimStart('@');
        if (name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.'))
            return "@" + name;
        return Code(Shorten(login, 100));
    }

    /// <summary>
    /// TerraFlow's own one-line Markdown (a blocker, a warning, a reason): line breaks become spaces and "&lt;" outside
    /// code spans becomes "&amp;lt;", so the text cannot start a block or close a &lt;details&gt; element around it.
    /// </summary>
    public static string InlineLine(string markdown, int maxChars)
    {
        var flat = Shorten(LineBreaks().Replace(markdown.Trim(), " "), maxChars);
        var sb = new StringBuilder(flat.Length + 8);
        var i = 0;
        while (i < flat.Length)
        {
            if (flat[i] == '`')
            {
                // A code span is a run of n backticks up to the next run of exactly n; copy it untouched.
                var run = 0;
                while (i + run < flat.Length && flat[i + run] == '`') run++;
                var close = FindBacktickRun(flat, i + run, run);
                var end = close < 0 ? i + run : close + run;
                sb.Append(flat, i, end - i);
                i = end;
                continue;
            }
            sb.Append(flat[i] == '<' ? "&lt;" : flat[i].ToString());
            i++;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"[ \t]*[\r\n]+[ \t]*")]
    private static partial Regex LineBreaks();

    private static int FindBacktickRun(string text, int start, int length)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] != '`') continue;
            var run = 0;
            while (i + run < text.Length && text[i + run] == '`') run++;
            if (run == length) return i;
            i += run - 1;
        }
        return -1;
    }
}
