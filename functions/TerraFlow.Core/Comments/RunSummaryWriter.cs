using System.Text;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>
/// Writes what always stays in the main comment: the state of the run, configuration or run errors, the summary table
/// and the drift line. Also the framing text (headings, footer) every part shares.
/// </summary>
internal static class RunSummaryWriter
{
    private const string SplitNote =
        "ℹ️ This plan is too long for one comment: the details of some projects continue in the next comments.\n\n";

    /// <summary>Warnings listed at the top; more would push the table down too far.</summary>
    private const int MaxWarnings = 10;
    private const int MaxWarningChars = 500;

    public static string Heading(RunView run)
    {
        var applied = RunStateLine.AllApplied(run);
        var suffix = (run.Merged, applied) switch
        {
            (true, true) => " — applied and merged",
            (true, false) => " — merged",
            (false, true) => " — applied",
            _ => "",
        };
        return $"### TerraFlow plan for {MarkdownText.Code(MarkdownText.ShortSha(run.HeadSha))}{suffix}";
    }

    public static string SupersededLine(RunView run) => run.SupersededBySha is { Length: > 0 } sha
        ? $"⚠️ Superseded by a newer push ({MarkdownText.Code(MarkdownText.ShortSha(sha))}); this plan is out of date."
        : "⚠️ Superseded by a newer push; this plan is out of date.";

    /// <summary>Start of a continuation part. <paramref name="totalParts"/> may be an upper bound while sizing.</summary>
    public static string ContinuationHeader(RunView run, int part, int totalParts)
    {
        var sb = new StringBuilder(200)
            .Append(CommentMarker.Format(run.RunId, part)).Append('\n')
            .Append(Heading(run)).Append(" (continued, part ").Append(part + 1).Append(" of ").Append(totalParts).Append(")\n\n");
        if (run.Status == RunStatus.Superseded) sb.Append(SupersededLine(run)).Append("\n\n");
        return sb.ToString();
    }

    public static string Footer(RunView run)
    {
        // While something can still be applied, the apply and approve commands are what people look for.
        var canApply = run.Status == RunStatus.Planned && !run.Merged && run.Projects.Any(StatusText.AwaitsApply);
        if (run.Status == RunStatus.Closed)
            return "---\n<sub>This pull request is " + (run.Merged ? "merged" : "closed") + "; TerraFlow no longer acts on it.</sub>\n";
        return (run.Status == RunStatus.Superseded ? "</details>\n\n" : "") + (canApply
            ? "---\n<sub>💬 Comment `terraflow approve` to approve · `terraflow apply` to apply · `terraflow plan` to plan again · add `-p <project>` for one project · `terraflow help` for all commands</sub>\n"
            : "---\n<sub>💬 Comment `terraflow plan` to plan again · `terraflow plan -p <project>` to plan one project · `terraflow help` for all commands</sub>\n");
    }

    /// <summary>The top of part 0, at most <paramref name="maxLength"/> chars: table rows that do not fit are dropped with a note.</summary>
    public static string MainHeader(RunView run, int maxLength, bool split)
    {
        var sb = new StringBuilder(4096);
        sb.Append(CommentMarker.Format(run.RunId, 0)).Append('\n').Append(Heading(run)).Append("\n\n");
        if (run.Status == RunStatus.Superseded) sb.Append(SupersededLine(run)).Append("\n\n");
        // Warnings stay visible above everything else, even above a superseded run's collapsed content.
        AppendWarnings(sb, run, sb.Length + Math.Max(300, maxLength / 4));
        if (run.Status == RunStatus.Superseded)
        {
            // The old content is kept for reference but collapsed (closed in Footer).
            sb.Append("<details><summary>Out-of-date plan, kept for reference</summary>\n\n");
        }
        // A failed run with a stated reason needs no extra "run failed" line above that reason.
        var hasReason = run.ConfigError is not null || !string.IsNullOrWhiteSpace(run.FailureMessage);
        if (!(run.Status == RunStatus.Failed && hasReason)) sb.Append(RunStateLine.For(run)).Append("\n\n");
        var messageCap = Math.Max(200, maxLength / 8);
        if (run.ConfigError is { } configError)
        {
            sb.Append("❌ **The repository configuration is invalid**\n\n");
            MarkdownText.AppendCodeBlock(sb, MarkdownText.Shorten(configError.ToString(), messageCap), "text");
            sb.Append("Fix ").Append(MarkdownText.Code(configError.File))
              .Append(configError.Line is null ? "" : " at the line shown")
              .Append(" and push a new commit; TerraFlow plans again automatically.\n\n");
        }
        // A run waiting for authorization states its reason in the state line above; it did not fail.
        if (!string.IsNullOrWhiteSpace(run.FailureMessage) && run.Status != RunStatus.AwaitingAuthorization)
        {
            sb.Append("❌ **The run failed before planning**\n\n");
            MarkdownText.AppendCodeBlock(sb, MarkdownText.Shorten(run.FailureMessage, messageCap), "text");
            sb.Append("Comment `terraflow plan` to try again.\n\n");
        }
        var tail = DriftLine(run) + (split ? SplitNote : "");
        SummaryTable.Append(sb, run, maxLength - tail.Length);
        sb.Append(tail);
        return sb.ToString();
    }

    /// <summary>
    /// One line per interrupted apply (the most urgent), then the run's warnings, at most <see cref="MaxWarnings"/>;
    /// lines past that or past <paramref name="limit"/> are counted instead.
    /// </summary>
    private static void AppendWarnings(StringBuilder sb, RunView run, int limit)
    {
        var lines = run.Projects
            .Where(p => p.Status == ProjectRunStatus.ApplyInterrupted)
            .Select(p => $"🛑 **The apply of {MarkdownText.Code(MarkdownText.Shorten(p.Name, 100))} was interrupted**: a person must check its Terraform state before anything else is applied; see its section below.")
            .Concat(run.Warnings
                .Where(w => !string.IsNullOrWhiteSpace(w))
                .Select(w => "⚠️ " + MarkdownText.InlineLine(w, MaxWarningChars)))
            .ToList();
        const int noteReserve = 80;
        var shown = 0;
        foreach (var line in lines)
        {
            if (shown == MaxWarnings || sb.Length + line.Length + 2 + noteReserve > limit) break;
            sb.Append(line).Append("\n\n");
            shown++;
        }
        if (shown < lines.Count)
            sb.Append("⚠️ _… and ").Append(MarkdownText.Plural(lines.Count - shown, "more warning", "more warnings")).Append("._\n\n");
    }

    private static string DriftLine(RunView run)
    {
        var drifted = run.Projects
            .Select(p => (p.Name, Count: p.Plan?.ResourceDrift.Count(d => d.Action != Plans.ChangeAction.NoOp) ?? 0))
            .Where(x => x.Count > 0)
            .ToList();
        if (drifted.Count == 0) return "";
        const int listed = 5;
        var names = string.Join(", ", drifted.Take(listed).Select(d => $"{MarkdownText.Code(MarkdownText.Shorten(d.Name, 60))}: {MarkdownText.Count(d.Count)}"));
        if (drifted.Count > listed) names += $", and {MarkdownText.Count(drifted.Count - listed)} more";
        return $"🔀 **Drift:** {MarkdownText.Plural(drifted.Sum(d => d.Count), "resource", "resources")} changed outside of Terraform ({names}); see each project's details.\n\n";
    }
}
