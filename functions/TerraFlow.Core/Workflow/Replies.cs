using TerraFlow.Core.Comments;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// The short comments the workflow posts in answer to commands and events: the one set of reply texts. Every argument
/// may hold user-controlled text: logins become mentions only when they look like logins, project names are shown as
/// code, and reasons (TerraFlow's own one-line Markdown) have line breaks and HTML neutralised.
/// </summary>
public static class Replies
{
    private const int MaxListed = 50;
    private const int MaxNameChars = 100;

    /// <summary>Reasons are TerraFlow's own sentences; names from users are in backticks and kept to one line.</summary>
    public static string Refused(string action, IReadOnlyList<string> reasons) =>
        reasons.Count == 1
            ? $"🚫 **TerraFlow:** {action} refused: {MarkdownText.InlineLine(reasons[0], 1_000)}"
            : $"🚫 **TerraFlow:** {action} refused:\n" + string.Join("\n", reasons.Take(20).Select(r => "- " + MarkdownText.InlineLine(r, 1_000)));

    /// <summary>Acknowledges an apply request; the plan comment shows the progress.</summary>
    public static string ApplyStarted(IReadOnlyList<string> applying, IReadOnlyList<string> waiting, string by) =>
        $"🚀 Apply of {Names([.. applying, .. waiting])} queued, requested by {MarkdownText.User(by)}. The plan comment shows the progress and the output.\n"
        + (waiting.Count == 0 ? "" : $"{List(waiting)} start once the projects they depend on have applied.\n");

    /// <summary>Acknowledges an approval of the current plans of <paramref name="projects"/>, and what was not approved.</summary>
    public static string Approved(IReadOnlyList<string> projects, string by, ApprovalSource source, IReadOnlyList<string> refused) =>
        $"👍 Approval by {MarkdownText.User(by)} recorded for {Names(projects)}. It applies to the current plan only: a new push needs a new approval.\n"
        + string.Concat(refused.Take(20).Select(r => "- not approved: " + MarkdownText.InlineLine(r, 1_000) + "\n"));

    /// <summary>A policy owner overrode the denying policies of <paramref name="projects"/> (<c>terraflow approve-policies</c>).</summary>
    public static string PoliciesOverridden(IReadOnlyList<string> projects, string by) =>
        $"🔓 Policy override by {MarkdownText.User(by)} recorded for {Names(projects)}. The policy denials no longer block the apply of the current plan; the other apply requirements still hold.\n";

    public static string Unlocked(IReadOnlyList<string>? projects, string by) =>
        projects is null
            ? $"**TerraFlow:** @{by} released every lock this pull request held. The next pull request waiting for each lock is re-planned."
            : $"**TerraFlow:** @{by} released the lock of {List(projects)}. The next pull request waiting for it is re-planned.";

    public static string QueueCancelled(string project, string by) =>
        $"**TerraFlow:** @{by} took this pull request out of the queue for the lock of `{project}` (from the TerraFlow console). Comment `terraflow plan -p {project}` to queue it again.";

    public static string MergedUnapplied(IReadOnlyList<string> reasons) =>
        "**TerraFlow warning:** this pull request was merged, but these projects were not applied:\n"
        + string.Join("\n", reasons.Select(r => "- " + r))
        + "\n\nThe main branch now differs from the infrastructure. Open a pull request to apply them, or revert.";

    public static string ApplyInterrupted(string project, string? error) =>
        $"**TerraFlow warning:** the apply of `{project}` was interrupted and will not be retried automatically. "
        + "Check the Terraform state before doing anything else: it may be locked (`terraform force-unlock`) or partly applied. "
        + $"Then re-plan with `terraflow plan -p {project}`." + (error is null ? "" : $"\n\n> {error.ReplaceLineEndings(" ")}");

    private static string List(IReadOnlyList<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));

    /// <summary>"`a`", "`a` and `b`", "`a`, `b` and `c`", capped with "and N more"; "every project" when empty.</summary>
    private static string Names(IReadOnlyList<string> projects)
    {
        if (projects.Count == 0) return "every project";
        var shown = projects.Take(MaxListed).Select(p => MarkdownText.Code(MarkdownText.Shorten(p, MaxNameChars))).ToList();
        if (projects.Count > MaxListed) shown.Add($"{MarkdownText.Count(projects.Count - MaxListed)} more");
        return shown.Count == 1 ? shown[0] : string.Join(", ", shown.Take(shown.Count - 1)) + " and " + shown[^1];
    }
}
