namespace TerraFlow.Core.Workflow;

/// <summary>The short comments the workflow posts in answer to commands and events. Names come from config or the VCS host.</summary>
public static class Replies
{
    public static string Refused(string action, IReadOnlyList<string> reasons) =>
        reasons.Count == 1
            ? $"**TerraFlow:** {action} refused: {reasons[0]}"
            : $"**TerraFlow:** {action} refused:\n" + string.Join("\n", reasons.Select(r => "- " + r));

    public static string ApplyStarted(IReadOnlyList<string> applying, IReadOnlyList<string> waiting, string by) =>
        $"**TerraFlow:** applying {List(applying)} for @{by}" + (waiting.Count == 0 ? "." : $"; then {List(waiting)} once the projects they depend on are applied.");

    public static string Approved(IReadOnlyList<string> projects, string by, ApprovalSource source, IReadOnlyList<string> refused) =>
        $"**TerraFlow:** @{by} approved {List(projects)}{(source == ApprovalSource.Link ? " through the approval link" : "")}."
        + (refused.Count == 0 ? "" : "\n" + string.Join("\n", refused.Select(r => "- not approved: " + r)));

    public static string PoliciesOverridden(IReadOnlyList<string> projects, string by) =>
        $"**TerraFlow:** @{by} overrode the policy results of {List(projects)}.";

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
