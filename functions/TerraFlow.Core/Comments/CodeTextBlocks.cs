using System.Text;

namespace TerraFlow.Core.Comments;

/// <summary>Builds the fenced-code blocks of a project section: the plan text and the error text.</summary>
internal static class CodeTextBlocks
{
    private static readonly string[] DiffMarkers = ["-/+", "+/-", "<=", "+", "-", "~"];

    /// <summary>
    /// <c>terraform show -no-color</c> output in a <c>diff</c> block. The hosts only colour a diff line whose first
    /// character is the marker, so "  + resource" becomes "+   resource" (and "~", which diff does not know, "!").
    /// </summary>
    public static TruncatableBlock? PlanText(string? planText)
    {
        if (string.IsNullOrWhiteSpace(planText)) return null;
        var fence = MarkdownText.FenceFor(planText);
        var builder = new TruncatableBlock.Builder($"**Plan output**\n\n{fence}diff\n", fence + "\n\n",
            n => $"_… plan text truncated: {MarkdownText.Plural(n, "more line", "more lines")}, full plan in the artifact store._\n\n");
        foreach (var line in Lines(planText))
        {
            AppendDiffLine(builder.Body, line);
            builder.Body.Append('\n');
            builder.EndItem();
        }
        return builder.Build();
    }

    /// <summary>Error text (already masked by the runner) in a plain code block, cut by lines when too long.</summary>
    public static TruncatableBlock? Error(string? error, string title)
    {
        if (string.IsNullOrWhiteSpace(error)) return null;
        var fence = MarkdownText.FenceFor(error);
        var builder = new TruncatableBlock.Builder($"{title}\n\n{fence}text\n", fence + "\n\n",
            n => $"_… error text truncated: {MarkdownText.Plural(n, "more line", "more lines")}, full log in the artifact store._\n\n");
        foreach (var line in Lines(error))
        {
            builder.Body.Append(line).Append('\n');
            builder.EndItem();
        }
        return builder.Build();
    }

    /// <summary>
    /// The masked apply output in a collapsible code block, cut by lines from the start: the end of an apply (the
    /// summary line, the errors) matters most, so a cut keeps the last lines.
    /// </summary>
    public static TruncatableBlock? ApplyOutput(string? output, bool open)
    {
        if (string.IsNullOrWhiteSpace(output)) return null;
        var fence = MarkdownText.FenceFor(output);
        var builder = new TruncatableBlock.Builder(
            $"{(open ? "<details open>" : "<details>")}<summary>Apply output</summary>\n\n{fence}text\n", $"{fence}\n\n</details>\n\n",
            n => $"_… apply output truncated: the first {MarkdownText.Plural(n, "line is", "lines are")} not shown, full log in the artifact store._\n\n",
            keepEnd: true);
        foreach (var line in Lines(output))
        {
            builder.Body.Append(line).Append('\n');
            builder.EndItem();
        }
        return builder.Build();
    }

    /// <summary>Lines without their terminators; trailing empty lines are dropped so blocks do not end in blank space.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        var trimmed = text.TrimEnd('\r', '\n');
        var start = 0;
        while (start <= trimmed.Length)
        {
            var end = trimmed.IndexOf('\n', start);
            if (end < 0) end = trimmed.Length;
            var line = trimmed[start..end];
            yield return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            start = end + 1;
        }
    }

    private static void AppendDiffLine(StringBuilder sb, string line)
    {
        var indent = 0;
        while (indent < line.Length && line[indent] == ' ') indent++;
        foreach (var marker in DiffMarkers)
        {
            var afterMarker = indent + marker.Length;
            if (afterMarker < line.Length && line[afterMarker] == ' ' &&
                string.CompareOrdinal(line, indent, marker, 0, marker.Length) == 0)
            {
                sb.Append(marker == "~" ? "!" : marker).Append(line, 0, indent).Append(line, afterMarker, line.Length - afterMarker);
                return;
            }
        }
        sb.Append(line);
    }
}
