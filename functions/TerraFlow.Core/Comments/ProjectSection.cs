using System.Text;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The collapsible <c>&lt;details&gt;</c> section of one project. Its blocks are rendered once; <see cref="Render"/>
/// then fits them into any budget by sharing it out, so the opening and closing tags always stay balanced.
/// </summary>
internal sealed class ProjectSection
{
    private readonly string _open;
    private readonly string _intro;
    private readonly string _close;
    private readonly IReadOnlyList<TruncatableBlock> _blocks;

    private ProjectSection(string open, string intro, string close, IReadOnlyList<TruncatableBlock> blocks)
    {
        _open = open;
        _intro = intro;
        _close = close;
        _blocks = blocks;
    }

    /// <summary>Length of the section with nothing cut.</summary>
    public int FullLength => FixedLength + _blocks.Sum(b => b.FullLength);

    /// <summary>Length of the parts that are never cut: tags, summary line, status sentence.</summary>
    public int FixedLength => _open.Length + _intro.Length + _close.Length;

    /// <summary>The section for a project, or null when there is nothing to show beyond its table row.</summary>
    /// <param name="collapseAll">The run is only kept for reference (superseded): open nothing.</param>
    /// <param name="canAct">The run still takes commands (planned, open, not merged): show how to apply.</param>
    public static ProjectSection? For(ProjectView p, bool collapseAll, bool canAct)
    {
        var blocks = new List<TruncatableBlock>(9 + p.StepOutputs.Count);
        void Add(TruncatableBlock? b) { if (b is not null) blocks.Add(b); }
        // Order of importance: why the apply or plan failed, what the policies say, what the apply printed, what
        // changes, what drifted, outputs, then the raw plan for detail.
        var applyFailed = p.Status is ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyInterrupted;
        Add(CodeTextBlocks.Error(p.Apply?.Error, "**Apply error**"));
        Add(CodeTextBlocks.Error(p.Error, "**Error**"));
        Add(CodeTextBlocks.Error(p.Policy?.Error, "**Policy error**"));
        Add(PolicyBlocks.Results(p.Policy, p.PolicyOverriddenBy));
        Add(CodeTextBlocks.ApplyOutput(p.Apply?.Output, open: applyFailed));
        foreach (var step in p.StepOutputs) Add(StepOutputBlocks.For(step));
        if (p.Plan is { } plan)
        {
            Add(ChangeListBlocks.ResourceChanges(plan.ResourceChanges));
            Add(ChangeListBlocks.Drift(plan.ResourceDrift));
            Add(ChangeListBlocks.Outputs(plan.OutputChanges));
        }
        Add(CodeTextBlocks.PlanText(p.PlanText));

        var intro = Carried(p) + Intro(p) + ProjectLifecycleText.For(p, canAct);
        if (blocks.Count == 0 && intro.Length == 0) return null;

        // What needs a person is opened so it is seen without a click: failures, an interrupted or blocked apply, a
        // policy denial, a lock wait. Everything else stays collapsed to keep the comment short. A superseded plan is
        // only kept for reference, so nothing is opened there.
        var open = !collapseAll && NeedsAttention(p);
        var words = StatusText.ProjectWords(p);
        var summary = new StringBuilder()
            .Append(open ? "<details open>" : "<details>")
            .Append("<summary>").Append(StatusText.ProjectEmoji(p)).Append(" <b>").Append(MarkdownText.Html(p.Name))
            .Append("</b> · <code>").Append(MarkdownText.Html(p.Dir)).Append("</code> · workspace <code>")
            .Append(MarkdownText.Html(p.Workspace)).Append("</code> — ")
            .Append(p.Plan is { } pl && StatusText.HasFinishedPlan(p)
                ? (p.Status == ProjectRunStatus.Planned ? "" : words + " · ") + StatusText.CountsInWords(pl.Counts)
                : words)
            .Append("</summary>\n\n")
            .ToString();
        return new ProjectSection(summary, intro, "</details>\n\n", blocks);
    }

    private static bool NeedsAttention(ProjectView p) =>
        p.Status is ProjectRunStatus.Failed or ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyInterrupted
            or ProjectRunStatus.ApplyBlocked or ProjectRunStatus.WaitingForLock
        || p.Plan is { Errored: true }
        || (p.Policy is { Denied: true } && string.IsNullOrWhiteSpace(p.PolicyOverriddenBy) && p.Status == ProjectRunStatus.Planned);

    /// <summary>Renders the section in at most <paramref name="budget"/> chars; empty when not even the frame fits.</summary>
    public string Render(int budget)
    {
        if (budget < FixedLength) return "";
        var sb = new StringBuilder(Math.Min(budget, FullLength));
        sb.Append(_open).Append(_intro);
        var shares = Budget.Share(_blocks.Select(b => b.FullLength).ToArray(), budget - FixedLength);
        for (var i = 0; i < _blocks.Count; i++) _blocks[i].WriteTo(sb, shares[i]);
        sb.Append(_close);
        return sb.ToString();
    }

    /// <summary>Says that the plan was kept from an earlier push (smart re-plans) and how to get a fresh one.</summary>
    private static string Carried(ProjectView p) => p.UnchangedSince is { } sha && p.Status != ProjectRunStatus.Cancelled
        ? $"♻️ Unchanged since {MarkdownText.Code(sha.Length > 7 ? sha[..7] : sha)}: the files of this project and its modules, its lock file and " +
          $"its settings are identical and the base branch did not move, so that plan is kept. Comment {MarkdownText.Code($"terraflow plan -p {p.Name}")} to plan again.\n\n"
        : "";

    private static string Intro(ProjectView p) => p.Status switch
    {
        ProjectRunStatus.Planned when p.Plan is { Errored: true } =>
            "❌ Terraform reported errors while planning; the plan below is incomplete and cannot be applied.\n\n",
        ProjectRunStatus.Planned when p.Plan is { } plan && !plan.Counts.HasChanges =>
            "✅ No changes. The infrastructure matches the configuration.\n\n",
        ProjectRunStatus.Failed =>
            $"❌ The plan failed. Fix the error below and push a new commit, or comment {MarkdownText.Code($"terraflow plan -p {p.Name}")} to try again.\n\n",
        ProjectRunStatus.Cancelled => "⛔ The plan was cancelled before it finished.\n\n",
        _ => "",
    };
}
