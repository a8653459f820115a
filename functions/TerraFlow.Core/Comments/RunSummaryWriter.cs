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

    private const string TableHeader =
        "| Project | Dir | Workspace | Add | Change | Destroy | Replace | Status |\n|---|---|---|--:|--:|--:|--:|---|\n";

    public static string Heading(RunView run) => $"### TerraFlow plan for {MarkdownText.Code(MarkdownText.ShortSha(run.HeadSha))}";

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

    public static string Footer(RunView run) =>
        (run.Status == RunStatus.Superseded ? "</details>\n\n" : "") +
        "---\n<sub>💬 Comment `terraflow plan` to plan again · `terraflow plan -p <project>` to plan one project · `terraflow help` for all commands</sub>\n";

    /// <summary>The top of part 0, at most <paramref name="maxLength"/> chars: table rows that do not fit are dropped with a note.</summary>
    public static string MainHeader(RunView run, int maxLength, bool split)
    {
        var sb = new StringBuilder(4096);
        sb.Append(CommentMarker.Format(run.RunId, 0)).Append('\n').Append(Heading(run)).Append("\n\n");
        if (run.Status == RunStatus.Superseded)
        {
            // The warning stays visible; the old content is kept for reference but collapsed (closed in Footer).
            sb.Append(SupersededLine(run)).Append("\n\n")
              .Append("<details><summary>Out-of-date plan, kept for reference</summary>\n\n");
        }
        // A failed run with a stated reason needs no extra "run failed" line above that reason.
        var hasReason = run.ConfigError is not null || !string.IsNullOrWhiteSpace(run.FailureMessage);
        if (!(run.Status == RunStatus.Failed && hasReason)) sb.Append(StateLine(run)).Append("\n\n");
        var messageCap = Math.Max(200, maxLength / 8);
        if (run.ConfigError is { } configError)
        {
            sb.Append("❌ **The repository configuration is invalid**\n\n");
            MarkdownText.AppendCodeBlock(sb, MarkdownText.Shorten(configError.ToString(), messageCap), "text");
            sb.Append("Fix ").Append(MarkdownText.Code(configError.File))
              .Append(configError.Line is null ? "" : " at the line shown")
              .Append(" and push a new commit; TerraFlow plans again automatically.\n\n");
        }
        if (!string.IsNullOrWhiteSpace(run.FailureMessage))
        {
            sb.Append("❌ **The run failed before planning**\n\n");
            MarkdownText.AppendCodeBlock(sb, MarkdownText.Shorten(run.FailureMessage, messageCap), "text");
            sb.Append("Comment `terraflow plan` to try again.\n\n");
        }
        var tail = DriftLine(run) + (split ? SplitNote : "");
        AppendTable(sb, run, maxLength - tail.Length);
        sb.Append(tail);
        return sb.ToString();
    }

    private static void AppendTable(StringBuilder sb, RunView run, int maxLength)
    {
        if (run.Projects.Count == 0) return;
        var rows = run.Projects.Select(Row).ToList();
        var full = TableHeader.Length + rows.Sum(r => r.Length) + 1;
        if (sb.Length + full <= maxLength)
        {
            sb.Append(TableHeader);
            foreach (var r in rows) sb.Append(r);
            sb.Append('\n');
            return;
        }
        // Too many projects even for the table alone: list as many as fit and say how many are missing.
        const int noteReserve = 120;
        sb.Append(TableHeader);
        var shown = 0;
        while (shown < rows.Count && sb.Length + rows[shown].Length + noteReserve <= maxLength) sb.Append(rows[shown++]);
        sb.Append("\n_… ").Append(MarkdownText.Plural(rows.Count - shown, "more project", "more projects"))
          .Append(" not listed: the table reached the comment size limit._\n\n");
    }

    private static string Row(ProjectView p)
    {
        static string Cell(string markdown) => MarkdownText.TableCell(markdown);
        var c = p.Status == ProjectRunStatus.Planned ? p.Plan?.Counts : null;
        var status = $"{StatusText.ProjectEmoji(p)} {StatusText.ProjectWords(p)}";
        if (p.Status == ProjectRunStatus.Skipped)
            status += $" — comment {MarkdownText.Code($"terraflow plan -p {p.Name}")}";
        return string.Concat(
            "| ", Cell(MarkdownText.Code(p.Name)), " | ", Cell(MarkdownText.Code(p.Dir)), " | ", Cell(MarkdownText.Code(p.Workspace)),
            " | ", c is null ? "" : MarkdownText.Count(c.Add), " | ", c is null ? "" : MarkdownText.Count(c.Change),
            " | ", c is null ? "" : MarkdownText.Count(c.Destroy), " | ", c is null ? "" : MarkdownText.Count(c.Replace),
            " | ", Cell(status), " |\n");
    }

    private static string StateLine(RunView run)
    {
        var breakdown = Breakdown(run.Projects);
        var projects = run.Projects.Where(p => p.Status != ProjectRunStatus.Skipped).ToList();
        var finished = projects.Count(p => p.Status.IsFinal());
        var failed = projects.Count(p => p.Status == ProjectRunStatus.Failed || p.Plan is { Errored: true });
        var changed = projects.Count(p => p.Status == ProjectRunStatus.Planned && StatusText.HasChanges(p));
        return run.Status switch
        {
            RunStatus.Discovering => "🔍 **Discovering projects** — reading the repository configuration to find the affected projects.",
            RunStatus.Planning => $"🔄 **Planning** — {MarkdownText.Count(finished)} of {MarkdownText.Plural(projects.Count, "project", "projects")} finished{breakdown}.",
            RunStatus.Planned when failed > 0 => $"⚠️ **Plan finished with failures**{breakdown}.",
            RunStatus.Planned when changed > 0 => $"📝 **Plan finished**{breakdown}.",
            RunStatus.Planned => $"✅ **Plan finished** — no changes{breakdown}.",
            RunStatus.NoProjects => "ℹ️ **Nothing to plan** — this pull request changes no Terraform project.",
            RunStatus.Failed => $"❌ **Run failed**{breakdown}.",
            RunStatus.Superseded => $"⛔ **Superseded** — state when it was replaced{breakdown}.",
            RunStatus.Closed => $"🔒 **Pull request closed** — this plan is kept for reference and no longer updated{breakdown}.",
            _ => $"**{run.Status}**{breakdown}.",
        };
    }

    /// <summary>": 2 with changes, 1 failed" — the non-zero groups of projects, or empty when there are none.</summary>
    private static string Breakdown(IReadOnlyList<ProjectView> projects)
    {
        var groups = projects
            .GroupBy(StatusText.ProjectWords)
            .Select(g => (Words: g.Key, Count: g.Count()))
            .ToList();
        if (groups.Count == 0) return "";
        var words = groups.Select(g => $"{MarkdownText.Count(g.Count)} {BreakdownWords(g.Words)}");
        return ": " + string.Join(", ", words);
    }

    private static string BreakdownWords(string projectWords) => projectWords switch
    {
        "changes" => "with changes",
        "no changes" => "without changes",
        _ when projectWords.StartsWith("changes (", StringComparison.Ordinal) => "with changes " + projectWords["changes ".Length..],
        _ => projectWords,
    };

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
