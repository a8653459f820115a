namespace TerraFlow.Core.Tests.Comments;

/// <summary>
/// A small CommonMark fence reader for assertions: which text is inside fenced code blocks and which is outside,
/// and whether the &lt;details&gt; elements outside code are balanced.
/// </summary>
internal static class MarkdownStructure
{
    public sealed record Parsed(IReadOnlyList<string> OutsideLines, IReadOnlyList<string> CodeBlocks);

    public static Parsed Parse(string markdown)
    {
        var outside = new List<string>();
        var blocks = new List<string>();
        var current = new List<string>();
        var fence = 0;
        foreach (var line in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (fence == 0)
            {
                var run = OpeningFence(line);
                if (run >= 3) { fence = run; current.Clear(); }
                else outside.Add(line);
                continue;
            }
            var trimmed = line.Trim();
            if (trimmed.Length >= fence && trimmed.All(c => c == '`'))
            {
                blocks.Add(string.Join('\n', current));
                fence = 0;
            }
            else current.Add(line);
        }
        Assert.True(fence == 0, "A fenced code block is never closed, so the rest of the comment would render as code.");
        return new Parsed(outside, blocks);
    }

    /// <summary>Asserts &lt;details&gt; opens and closes in order (outside code blocks) and every code fence closes.</summary>
    public static Parsed AssertWellFormed(string markdown)
    {
        var parsed = Parse(markdown);
        var depth = 0;
        foreach (var line in parsed.OutsideLines)
        {
            if (line.StartsWith("<details", StringComparison.Ordinal)) depth++;
            if (line.StartsWith("</details>", StringComparison.Ordinal)) depth--;
            Assert.True(depth >= 0, "</details> without a matching <details>.");
        }
        Assert.True(depth == 0, $"{depth} <details> element(s) are never closed.");
        return parsed;
    }

    /// <summary>Table rows must have exactly one cell per column: count the pipes GFM splits on (unescaped ones).</summary>
    public static int UnescapedPipes(string line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) count++;
        return count;
    }

    private static int OpeningFence(string line)
    {
        var indent = 0;
        while (indent < line.Length && indent < 4 && line[indent] == ' ') indent++;
        if (indent > 3) return 0;
        var run = 0;
        while (indent + run < line.Length && line[indent + run] == '`') run++;
        // An info string containing a backtick makes it not a fence (CommonMark rule).
        return run >= 3 && !line.AsSpan(indent + run).Contains('`') ? run : 0;
    }
}
