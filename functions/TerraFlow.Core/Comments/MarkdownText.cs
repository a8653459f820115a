using System.Globalization;
using System.Text;

namespace TerraFlow.Core.Comments;

/// <summary>
/// Escaping helpers. Everything in a comment that comes from a repository or from Terraform (names, addresses, values,
/// plan output, error text) goes through one of these, so that no content can break the comment's structure:
/// close a code block early, split a table cell, or open/close a <c>&lt;details&gt;</c> element.
/// </summary>
internal static class MarkdownText
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

    /// <summary>The 7-character short SHA people recognise from GitHub.</summary>
    public static string ShortSha(string sha) => sha.Length > 7 ? sha[..7] : sha;

    /// <summary>Appends a fenced code block; the fence is longer than any backtick run in the content.</summary>
    public static void AppendCodeBlock(StringBuilder sb, string content, string info = "")
    {
        var fence = FenceFor(content);
        sb.Append(fence).Append(info).Append('\n').Append(content);
        if (content.Length > 0 && content[^1] != '\n') sb.Append('\n');
        sb.Append(fence).Append("\n\n");
    }
}
