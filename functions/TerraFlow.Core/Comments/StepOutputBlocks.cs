using TerraFlow.Core.CustomWorkflows;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The output of one custom workflow <c>run</c> step (tflint, checkov, infracost…) as a collapsible code block, opened
/// when the step failed. Cut from the start like apply output: the end (the findings, the summary) matters most.
/// </summary>
internal static class StepOutputBlocks
{
    public static TruncatableBlock For(StepOutput step)
    {
        var failed = step.ExitCode != 0;
        var output = string.IsNullOrWhiteSpace(step.Output) ? "(no output)" : step.Output;
        var fence = MarkdownText.FenceFor(output);
        var title = $"{(failed ? "❌" : "✅")} <code>{MarkdownText.Html(MarkdownText.Shorten(step.Step, 120))}</code> (exit {step.ExitCode})";
        var builder = new TruncatableBlock.Builder(
            $"{(failed ? "<details open>" : "<details>")}<summary>{title}</summary>\n\n{fence}text\n", $"{fence}\n\n</details>\n\n",
            n => $"_… step output truncated: the first {MarkdownText.Plural(n, "line is", "lines are")} not shown, full log in the artifact store._\n\n",
            keepEnd: true);
        foreach (var line in output.TrimEnd('\r', '\n').Split('\n'))
        {
            builder.Body.Append(line.TrimEnd('\r')).Append('\n');
            builder.EndItem();
        }
        return builder.Build();
    }
}
