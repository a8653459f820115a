using TerraFlow.Core.Comments;

namespace TerraFlow.Core.Workflow;

/// <summary>The short comments the workflow posts in answer to commands and events. Names come from config or the VCS host.</summary>
public static class Replies
{
    /// <summary>Reasons are TerraFlow's own sentences; names from users are in backticks and kept to one line.</summary>
    public static string Refused(string action, IReadOnlyList<string> reasons) =>
        reasons.Count == 1
            ? $"🚫 **TerraFlow:** {action} refused: {MarkdownText.InlineLine(reasons[0], 1_000)}"
            : $"🚫 **TerraFlow:** {action} refused:\n" + string.Join("\n", reasons.Take(20).Select(r => "- " + MarkdownText.InlineLine(r, 1_000)));

    public static string ApplyStarted(IReadOnlyList<string> applying, IReadOnlyList<string> waiting, string by) =>
        LifecycleReplies.ApplyQueued(by, [.. applying, .. waiting])
        + (waiting.Count == 0 ? "" : $"{List(waiting)} start once the projects they depend on have applied.\n");

    public static string Approved(IReadOnlyList<string> projects, string by, ApprovalSource source, IReadOnlyList<string> refused) =>
        LifecycleReplies.ApprovalRecorded(by, projects)
        + string.Concat(refused.Take(20).Select(r => "- not approved: " + MarkdownText.InlineLine(r, 1_000) + "\n"));

    public static string PoliciesOverridden(IReadOnlyList<string> projects, string by) => LifecycleReplies.PolicyOverridden(by, projects);

    public static string Unlocked(IReadOnlyList<string>? projects, string by) =>
        projects is null
            ? $"**TerraFlow:** @{by} released every lock this pull request held. The next pull request waiting for each lock is re-planned."
            : $"**TerraFlow:** @{by} released the lock of {List(projects)}. The next pull request waiting for it is re-planned.";

    public static string MergedUnapplied(IReadOnlyList<string> reasons) =>
        "**TerraFlow warning:** this pull request was merged, but these projects were not applied:\n"
        + string.Join("\n", reasons.Select(r => "- " + r))
        + "\n\nThe main branch now differs from the infrastructure. Open a pull request to apply them, or revert.";

    public static string ApplyInterrupted(string project, string? error) =>
        $"**TerraFlow warning:** the apply of `{project}` was interrupted and will not be retried automatically. "
        + "Check the Terraform state before doing anything else: it may be locked (`terraform force-unlock`) or partly applied. "
        + $"Then re-plan with `terraflow plan -p {project}`." + (error is null ? "" : $"\n\n> {error.ReplaceLineEndings(" ")}");

    private static string List(IReadOnlyList<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));
}
