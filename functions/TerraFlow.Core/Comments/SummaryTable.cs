using System.Text;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The one-row-per-project table at the top of the main comment. A "Checks" column (policy, approvals, approve link)
/// appears only when some project has policy or approval state, so plain plan comments stay as narrow as before.
/// </summary>
internal static class SummaryTable
{
    private const string Header =
        "| Project | Dir | Workspace | Add | Change | Destroy | Replace | Status |\n|---|---|---|--:|--:|--:|--:|---|\n";

    private const string HeaderWithChecks =
        "| Project | Dir | Workspace | Add | Change | Destroy | Replace | Status | Checks |\n|---|---|---|--:|--:|--:|--:|---|---|\n";

    /// <summary>Appends the table, keeping <paramref name="sb"/> at most <paramref name="maxLength"/> chars: rows that do not fit are counted in a note.</summary>
    public static void Append(StringBuilder sb, RunView run, int maxLength)
    {
        if (run.Projects.Count == 0) return;
        var checks = run.Projects.Any(ProjectLifecycleText.HasChecks);
        var header = checks ? HeaderWithChecks : Header;
        var rows = run.Projects.Select(p => Row(p, checks)).ToList();
        var full = header.Length + rows.Sum(r => r.Length) + 1;
        if (sb.Length + full <= maxLength)
        {
            sb.Append(header);
            foreach (var r in rows) sb.Append(r);
            sb.Append('\n');
            return;
        }
        // Too many projects even for the table alone: list as many as fit and say how many are missing.
        const int noteReserve = 120;
        sb.Append(header);
        var shown = 0;
        while (shown < rows.Count && sb.Length + rows[shown].Length + noteReserve <= maxLength) sb.Append(rows[shown++]);
        sb.Append("\n_… ").Append(MarkdownText.Plural(rows.Count - shown, "more project", "more projects"))
          .Append(" not listed: the table reached the comment size limit._\n\n");
    }

    private static string Row(ProjectView p, bool checks)
    {
        static string Cell(string markdown) => MarkdownText.TableCell(markdown);
        // The counts stay while the plan is applied: they say what the apply changes.
        var c = StatusText.HasFinishedPlan(p) ? p.Plan?.Counts : null;
        var status = $"{StatusText.ProjectEmoji(p)} {StatusText.ProjectWords(p)}";
        if (p.Status == ProjectRunStatus.Skipped)
            status += $" — comment {MarkdownText.Code($"terraflow plan -p {p.Name}")}";
        if (p.Status == ProjectRunStatus.WaitingForLock && p.WaitingBehind is { } pr)
            status += $" behind #{pr}";
        return string.Concat(
            "| ", Cell(MarkdownText.Code(p.Name)), " | ", Cell(MarkdownText.Code(p.Dir)), " | ", Cell(MarkdownText.Code(p.Workspace)),
            " | ", c is null ? "" : MarkdownText.Count(c.Add), " | ", c is null ? "" : MarkdownText.Count(c.Change),
            " | ", c is null ? "" : MarkdownText.Count(c.Destroy), " | ", c is null ? "" : MarkdownText.Count(c.Replace),
            " | ", Cell(status), checks ? " | " + Cell(ProjectLifecycleText.TableChecks(p)) : "", " |\n");
    }
}
