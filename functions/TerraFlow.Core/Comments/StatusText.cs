using TerraFlow.Core.Plans;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Comments;

/// <summary>The words and emoji a reader sees for statuses and actions; kept in one place so table and sections agree.</summary>
internal static class StatusText
{
    public static string ProjectEmoji(ProjectView p) => p.Status switch
    {
        ProjectRunStatus.Queued => "⏳",
        ProjectRunStatus.Running => "🔄",
        ProjectRunStatus.Planned when p.Plan is { Errored: true } => "❌",
        ProjectRunStatus.Planned when HasChanges(p) => "📝",
        ProjectRunStatus.Planned => "✅",
        ProjectRunStatus.Failed => "❌",
        ProjectRunStatus.Cancelled => "⛔",
        ProjectRunStatus.Skipped => "⏸️",
        ProjectRunStatus.WaitingForLock => "🔒",
        ProjectRunStatus.ApplyPending => "🕒",
        ProjectRunStatus.Applying => "🚀",
        ProjectRunStatus.Applied => "✅",
        ProjectRunStatus.ApplyFailed => "❌",
        ProjectRunStatus.ApplyInterrupted => "🛑",
        ProjectRunStatus.ApplyBlocked => "🚫",
        _ => "❔",
    };

    /// <summary>Plain-text status words (no Markdown), used in table cells and in section summaries.</summary>
    public static string ProjectWords(ProjectView p) => p.Status switch
    {
        ProjectRunStatus.Queued => "queued",
        ProjectRunStatus.Running => "running",
        ProjectRunStatus.Planned when p.Plan is { Errored: true } => "plan errored",
        ProjectRunStatus.Planned when p.Plan is null => "planned",
        ProjectRunStatus.Planned when HasChanges(p) && NotInTable(p.Plan.Counts) is { Length: > 0 } extra => $"changes ({extra})",
        ProjectRunStatus.Planned when HasChanges(p) => "changes",
        ProjectRunStatus.Planned => "no changes",
        ProjectRunStatus.Failed => "failed",
        ProjectRunStatus.Cancelled => "cancelled",
        ProjectRunStatus.Skipped => "skipped (autoplan off)",
        ProjectRunStatus.WaitingForLock => "waiting for lock",
        ProjectRunStatus.ApplyPending => "apply pending",
        ProjectRunStatus.Applying => "applying",
        ProjectRunStatus.Applied => "applied",
        ProjectRunStatus.ApplyFailed => "apply failed",
        ProjectRunStatus.ApplyInterrupted => "apply interrupted",
        ProjectRunStatus.ApplyBlocked => "apply blocked",
        _ => p.Status.ToString().ToLowerInvariant(),
    };

    public static bool HasChanges(ProjectView p) => p.Plan is { } plan && plan.Counts.HasChanges;

    /// <summary>The project's plan is finished and still describes it: planned, or somewhere in its apply.</summary>
    public static bool HasFinishedPlan(ProjectView p) => p.Status is ProjectRunStatus.Planned || IsApplyStage(p.Status);

    /// <summary>An apply was requested for the project (in flight or ended).</summary>
    public static bool IsApplyStage(ProjectRunStatus s) => s is ProjectRunStatus.ApplyPending or ProjectRunStatus.Applying
        or ProjectRunStatus.Applied or ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyInterrupted or ProjectRunStatus.ApplyBlocked;

    /// <summary>The plan has changes that could still be applied (planned, nothing requested yet).</summary>
    public static bool AwaitsApply(ProjectView p) => p.Status == ProjectRunStatus.Planned && p.Plan is { Errored: false } && HasChanges(p);

    /// <summary>
    /// The changes the table's Add/Change/Destroy/Replace columns do not show ("1 to import, 1 to move"), so a plan
    /// whose only change is an import, a move or a forget never looks like "0 0 0 0" in the table without a word.
    /// </summary>
    private static string NotInTable(PlanCounts c)
    {
        var parts = new List<string>(3);
        if (c.Import > 0) parts.Add($"{MarkdownText.Count(c.Import)} to import");
        if (c.Move > 0) parts.Add($"{MarkdownText.Count(c.Move)} to move");
        if (c.Forget > 0) parts.Add($"{MarkdownText.Count(c.Forget)} to forget");
        return string.Join(", ", parts);
    }

    /// <summary>
    /// "1 to import, 1 to add, 2 to change" — only the non-zero counts, in Terraform's own order (imports first, as in
    /// its "Plan:" line). Moves, which Terraform lists but does not count, come last.
    /// </summary>
    public static string CountsInWords(PlanCounts c)
    {
        var parts = new List<string>(8);
        if (c.Import > 0) parts.Add($"{MarkdownText.Count(c.Import)} to import");
        if (c.Add > 0) parts.Add($"{MarkdownText.Count(c.Add)} to add");
        if (c.Change > 0) parts.Add($"{MarkdownText.Count(c.Change)} to change");
        if (c.Destroy > 0) parts.Add($"{MarkdownText.Count(c.Destroy)} to destroy");
        if (c.Replace > 0) parts.Add($"{MarkdownText.Count(c.Replace)} to replace");
        if (c.Forget > 0) parts.Add($"{MarkdownText.Count(c.Forget)} to forget");
        if (c.Read > 0) parts.Add($"{MarkdownText.Count(c.Read)} to read");
        if (c.Move > 0) parts.Add($"{MarkdownText.Count(c.Move)} to move");
        return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
    }

    /// <summary>Group heading for planned changes, e.g. "**-/+ replace** (3) — destroy, then create".</summary>
    /// <remarks>Markdown; "&lt;=" is escaped so it cannot look like the start of an HTML tag.</remarks>
    public static string ChangeGroup(ChangeAction a, int count) => a switch
    {
        ChangeAction.Create => Group("+ create", count, null),
        ChangeAction.Update => Group("~ update in place", count, null),
        ChangeAction.DeleteThenCreate => Group("-/+ replace", count, "destroy, then create"),
        ChangeAction.CreateThenDelete => Group("+/- replace", count, "create before destroy"),
        ChangeAction.Delete => Group("- delete", count, null),
        ChangeAction.Read => Group("&lt;= read", count, "data sources"),
        ChangeAction.Forget => Group("forget", count, "removed from state, not destroyed"),
        ChangeAction.CreateThenForget => Group("+/. replace", count, "create the new object, forget the old one"),
        ChangeAction.ForgetThenCreate => Group("./+ replace", count, "forget the old object, then create"),
        _ => Group("no-op", count, null),
    };

    /// <summary>Group heading for imports that change nothing else: Terraform only records the object in its state.</summary>
    public static string ImportGroup(int count) => Group("← import", count, "existing objects brought under Terraform's management");

    /// <summary>Group heading for moves that change nothing else: Terraform only records the new address in its state.</summary>
    public static string MoveGroup(int count) => Group("→ move", count, "new address in the state, the object itself is unchanged");

    /// <summary>Group heading for drift: the same actions, seen as what already happened outside Terraform.</summary>
    public static string DriftGroup(ChangeAction a, int count) => a switch
    {
        ChangeAction.Update => Group("~ changed outside of Terraform", count, null),
        ChangeAction.Delete => Group("- deleted outside of Terraform", count, null),
        ChangeAction.Create => Group("+ created outside of Terraform", count, null),
        _ => ChangeGroup(a, count),
    };

    private static string Group(string label, int count, string? description) =>
        description is null ? $"**{label}** ({MarkdownText.Count(count)})" : $"**{label}** ({MarkdownText.Count(count)}) — {description}";

    /// <summary>What happens to an output, in words (no leading symbol: "- - removed" would render as a nested list).</summary>
    public static string OutputAction(ChangeAction a) => a switch
    {
        ChangeAction.Create => "added",
        ChangeAction.Update => "changed",
        ChangeAction.Delete => "removed",
        ChangeAction.DeleteThenCreate or ChangeAction.CreateThenDelete => "replaced",
        ChangeAction.Read => "read",
        ChangeAction.Forget => "forgotten",
        _ => "unchanged",
    };

    /// <summary>Terraform's <c>action_reason</c> in words; unknown reasons are shown verbatim as code.</summary>
    public static string Reason(string reason) => reason switch
    {
        "replace_because_tainted" => "tainted, so it must be replaced",
        "replace_because_cannot_update" => "an attribute that cannot be updated in place changed",
        "replace_by_request" => "replacement requested with -replace",
        "replace_by_triggers" => "replace_triggered_by changed",
        "delete_because_no_resource_config" => "no longer in the configuration",
        "delete_because_no_module" => "its module is no longer in the configuration",
        "delete_because_wrong_repetition" => "count/for_each changed how this resource repeats",
        "delete_because_count_index" => "count index is now out of range",
        "delete_because_each_key" => "for_each key no longer exists",
        "delete_because_no_move_target" => "the target of its moved block does not exist",
        "read_because_config_unknown" => "its configuration depends on values known only after apply",
        "read_because_dependency_pending" => "it depends on a resource with pending changes",
        "read_because_check_nested" => "it is used by a check block",
        _ => MarkdownText.Code(reason),
    };
}
