using System.Text;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The never-cut sentences of a project section about its lifecycle: an interrupted apply, the apply state, the lock
/// wait, the policy verdict, approvals, the approve link and commands, and what still blocks the apply. Every list in
/// here is capped, because a section whose fixed part outgrows a comment's share would not be shown at all.
/// </summary>
internal static class ProjectLifecycleText
{
    private const int MaxBlockers = 8;
    private const int MaxBlockerChars = 200;
    private const int MaxNamesListed = 10;

    /// <param name="canAct">The run still takes commands; otherwise no apply hint is shown.</param>
    public static string For(ProjectView p, bool canAct)
    {
        var sb = new StringBuilder();
        AppendInterrupted(sb, p);
        AppendApply(sb, p);
        AppendLockWait(sb, p);
        AppendPolicy(sb, p);
        AppendApprovals(sb, p);
        AppendActions(sb, p, canAct);
        AppendBlockers(sb, p);
        return sb.ToString();
    }

    /// <summary>"@a, @b and 3 more" — at most <see cref="MaxNamesListed"/> logins.</summary>
    public static string Users(IReadOnlyList<string> logins)
    {
        var shown = logins.Take(MaxNamesListed).Select(MarkdownText.User);
        var text = string.Join(", ", shown);
        return logins.Count > MaxNamesListed ? $"{text} and {MarkdownText.Count(logins.Count - MaxNamesListed)} more" : text;
    }

    private static string Command(string verb, ProjectView p) => MarkdownText.Code($"terraflow {verb} -p {p.Name}");

    private static string RequestedBy(ProjectView p) =>
        p.Apply is { RequestedBy: { Length: > 0 } who } ? $" (requested by {MarkdownText.User(who)})" : "";

    private static void AppendInterrupted(StringBuilder sb, ProjectView p)
    {
        if (p.Status != ProjectRunStatus.ApplyInterrupted) return;
        // A Markdown alert (both hosts render "> [!CAUTION]"): the one thing in the comment a person must act on, so it is the loudest.
        sb.Append("> [!CAUTION]\n> **The apply was interrupted**").Append(RequestedBy(p))
          .Append(": the runner stopped while Terraform was applying, so TerraFlow cannot tell what was changed. ")
          .Append("TerraFlow never retries an apply by itself. Before anything else, a person should:\n")
          .Append("> 1. Check the Terraform state of ").Append(MarkdownText.Code(p.Dir)).Append(" (workspace ")
          .Append(MarkdownText.Code(p.Workspace)).Append("): it may still be locked, and some resources may already be changed.\n")
          .Append("> 2. If the state is locked and no apply is running any more, release it with `terraform force-unlock <LOCK_ID>`.\n")
          .Append("> 3. Plan again with ").Append(Command("plan", p)).Append(", review the new plan, then apply it.\n\n");
    }

    private static void AppendApply(StringBuilder sb, ProjectView p)
    {
        var line = p.Status switch
        {
            ProjectRunStatus.ApplyPending =>
                $"🕒 Apply requested{RequestedBy(p)}; it starts once the projects it depends on are applied.",
            ProjectRunStatus.Applying => $"🚀 Applying the approved plan{RequestedBy(p)}.",
            ProjectRunStatus.Applied => $"✅ Applied{RequestedBy(p)}.",
            ProjectRunStatus.ApplyFailed =>
                $"❌ The apply failed{RequestedBy(p)}. Terraform may have applied part of the changes: fix the cause, plan again with {Command("plan", p)} (or push a new commit), review the new plan and apply it.",
            ProjectRunStatus.ApplyBlocked =>
                $"🚫 Not applied: a project it depends on failed to apply. Once that project is fixed and applied, comment {Command("apply", p)}.",
            _ => null,
        };
        if (line is not null) sb.Append(line);
        var log = MarkdownText.Link("Full apply log", p.ApplyLogUrl);
        if (log is not null) sb.Append(line is null ? "📄 " : " 📄 ").Append(log);
        if (line is not null || log is not null) sb.Append("\n\n");
    }

    private static void AppendLockWait(StringBuilder sb, ProjectView p)
    {
        if (p.Status != ProjectRunStatus.WaitingForLock) return;
        sb.Append("🔒 Waiting for the lock on ").Append(MarkdownText.Code(p.Dir)).Append(" (workspace ")
          .Append(MarkdownText.Code(p.Workspace)).Append(") held by ")
          .Append(p.WaitingBehind is { } pr ? $"#{pr}" : "another pull request")
          .Append("; this pull request is queued and will be re-planned automatically when the lock is released.\n\n");
    }

    private static void AppendPolicy(StringBuilder sb, ProjectView p)
    {
        if (p.Policy is not { } policy) return;
        var overridden = string.IsNullOrWhiteSpace(p.PolicyOverriddenBy) ? null : MarkdownText.User(p.PolicyOverriddenBy);
        var line = policy switch
        {
            { Error: not null } when overridden is not null =>
                $"🔓 **The policies could not be evaluated** (which counts as a deny); overridden by {overridden}.",
            { Error: not null } =>
                $"⛔ **The policies could not be evaluated**, which counts as a deny. Fix the policy setup and plan again, or a policy owner can comment {Command("approve-policies", p)}.",
            { Denied: true } when overridden is not null => $"🔓 **Denied by policy, overridden by {overridden}.**",
            { Denied: true } =>
                $"⛔ **Denied by policy**: this plan cannot be applied unless a policy owner comments {Command("approve-policies", p)}.",
            _ when policy.ApprovalRules.Any() => "✋ **Policy requires extra approval** (see the policy results).",
            { Violations.Count: > 0 } => "⚠️ **Policy warnings**; nothing is blocked by them.",
            _ => "🛡️ Policies passed.",
        };
        sb.Append(line).Append("\n\n");
    }

    private static void AppendApprovals(StringBuilder sb, ProjectView p)
    {
        var approved = p.ApprovedBy.Count;
        if (p.ApprovalsRequired <= 0 && approved == 0) return;
        var of = p.ApprovalsRequired > 0 ? $" ({MarkdownText.Count(approved)} of {MarkdownText.Count(p.ApprovalsRequired)})" : "";
        sb.Append(approved == 0 ? $"👍 Not approved yet{of}." : $"👍 Approved by {Users(p.ApprovedBy)}{of}.").Append("\n\n");
    }

    private static void AppendActions(StringBuilder sb, ProjectView p, bool canAct)
    {
        var link = MarkdownText.Link("**Approve this plan**", p.ApprovalUrl);
        if (link is not null)
            sb.Append("👉 ").Append(link).Append(" — or comment ").Append(Command("approve", p)).Append(".\n\n");
        if (canAct && StatusText.AwaitsApply(p) && p.Apply is null)
        {
            sb.Append("▶️ To apply, comment ").Append(Command("apply", p))
              .Append(p.ApplyBlockers.Count > 0 ? " once the requirements below are met.\n\n" : ".\n\n");
        }
    }

    private static void AppendBlockers(StringBuilder sb, ProjectView p)
    {
        if (p.ApplyBlockers.Count == 0) return;
        sb.Append("**Not ready to apply:**\n\n");
        foreach (var b in p.ApplyBlockers.Take(MaxBlockers))
            sb.Append("- ").Append(MarkdownText.InlineLine(b, MaxBlockerChars)).Append('\n');
        if (p.ApplyBlockers.Count > MaxBlockers)
            sb.Append("- … and ").Append(MarkdownText.Count(p.ApplyBlockers.Count - MaxBlockers)).Append(" more\n");
        sb.Append('\n');
    }

    /// <summary>Short policy/approval state for the summary table, e.g. "⛔ denied · 👍 1/2 · [Approve](…)"; empty when none.</summary>
    public static string TableChecks(ProjectView p)
    {
        var parts = new List<string>(3);
        if (p.Policy is { } policy)
        {
            var overridden = !string.IsNullOrWhiteSpace(p.PolicyOverriddenBy);
            parts.Add(policy switch
            {
                { Denied: true } when overridden => "🔓 overridden",
                { Error: not null } => "⛔ policy error",
                { Denied: true } => "⛔ denied",
                _ when policy.ApprovalRules.Any() => "✋ needs approval",
                { Violations.Count: var n and > 0 } => $"⚠️ {MarkdownText.Plural(n, "warning", "warnings")}",
                _ => "🛡️ passed",
            });
        }
        if (p.ApprovalsRequired > 0) parts.Add($"👍 {MarkdownText.Count(p.ApprovedBy.Count)}/{MarkdownText.Count(p.ApprovalsRequired)}");
        else if (p.ApprovedBy.Count > 0) parts.Add($"👍 {MarkdownText.Count(p.ApprovedBy.Count)}");
        if (MarkdownText.Link("Approve", p.ApprovalUrl) is { } link) parts.Add(link);
        return string.Join(" · ", parts);
    }

    /// <summary>True when the summary table needs its policy/approval column.</summary>
    public static bool HasChecks(ProjectView p) =>
        p.Policy is not null || p.ApprovalsRequired > 0 || p.ApprovedBy.Count > 0 || p.ApprovalUrl is not null;
}
