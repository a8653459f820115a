using System.Text;

namespace TerraFlow.Core.Comments;

/// <summary>
/// The short reply comments the workflow posts as it acts on commands and pull-request events. Every argument may hold
/// user-controlled text: logins become mentions only when they look like logins, project names, dirs and commands are
/// shown as code, and reasons (TerraFlow's own one-line Markdown) have line breaks and HTML neutralised.
/// </summary>
public static class LifecycleReplies
{
    private const int MaxListed = 50;
    private const int MaxReasonsPerProject = 10;
    private const int MaxReasonChars = 300;
    private const int MaxNameChars = 100;

    /// <summary>An apply request that was refused, with what stops each project (e.g. "needs 1 more approval from @org/platform").</summary>
    public static string ApplyRefused(IReadOnlyList<(string Project, IReadOnlyList<string> Reasons)> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        var sb = new StringBuilder("🚫 **Nothing was applied.**");
        if (projects.Count == 0) return sb.Append(" No project of this pull request can be applied right now.\n").ToString();
        sb.Append(projects.Count == 1 ? " This project cannot be applied yet:\n\n" : " These projects cannot be applied yet:\n\n");
        foreach (var (project, reasons) in projects.Take(MaxListed))
        {
            sb.Append("- ").Append(Name(project));
            if (reasons.Count == 0) { sb.Append('\n'); continue; }
            sb.Append(":\n");
            foreach (var r in reasons.Take(MaxReasonsPerProject)) sb.Append("  - ").Append(MarkdownText.InlineLine(r, MaxReasonChars)).Append('\n');
            if (reasons.Count > MaxReasonsPerProject)
                sb.Append("  - … and ").Append(MarkdownText.Count(reasons.Count - MaxReasonsPerProject)).Append(" more\n");
        }
        AppendMore(sb, projects.Count, "project");
        return sb.Append("\nThe plan comment shows each project's approvals, policy results and locks.\n").ToString();
    }

    /// <summary>Acknowledges an apply request; the plan comment shows the progress.</summary>
    public static string ApplyQueued(string requestedBy, IReadOnlyList<string> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        return $"🚀 Apply of {Names(projects)} queued, requested by {MarkdownText.User(requestedBy)}. The plan comment shows the progress and the output.\n";
    }

    /// <summary>Acknowledges an approval of the current plans of <paramref name="projects"/>.</summary>
    public static string ApprovalRecorded(string approver, IReadOnlyList<string> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        return $"👍 Approval by {MarkdownText.User(approver)} recorded for {Names(projects)}. It applies to the current plan only: a new push needs a new approval.\n";
    }

    /// <summary>An approval that was not recorded, and why (e.g. "authors may not approve their own pull request").</summary>
    public static string ApprovalRefused(string user, string reason) =>
        $"🚫 The approval by {MarkdownText.User(user)} was not recorded: {MarkdownText.InlineLine(reason, MaxReasonChars)}\n";

    /// <summary>Locks released by <c>terraflow unlock</c>, each with the pull request next in its queue (re-planned now), if any.</summary>
    public static string Unlocked(string user, IReadOnlyList<(string Dir, string Workspace, int? NextPullRequest)> locks)
    {
        ArgumentNullException.ThrowIfNull(locks);
        if (locks.Count == 0) return $"🔓 {MarkdownText.User(user)}: this pull request holds no locks, so nothing was unlocked.\n";
        var sb = new StringBuilder($"🔓 Unlocked by {MarkdownText.User(user)}:\n\n");
        foreach (var (dir, workspace, next) in locks.Take(MaxListed))
        {
            sb.Append("- ").Append(Name(dir)).Append(" (workspace ").Append(Name(workspace)).Append(')')
              .Append(next is { } pr ? $": #{pr} is next in the queue and is re-planned now.\n" : ": nobody was waiting.\n");
        }
        AppendMore(sb, locks.Count, "lock");
        return sb.ToString();
    }

    /// <summary>A policy owner overrode the denying policies of <paramref name="projects"/> (<c>terraflow approve-policies</c>).</summary>
    public static string PolicyOverridden(string owner, IReadOnlyList<string> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        return $"🔓 Policy override by {MarkdownText.User(owner)} recorded for {Names(projects)}. The policy denials no longer block the apply of the current plan; the other apply requirements still hold.\n";
    }

    /// <summary>The pull request was merged while these projects still had unapplied changes.</summary>
    public static string MergedWithUnapplied(IReadOnlyList<string> projects)
    {
        ArgumentNullException.ThrowIfNull(projects);
        return $"⚠️ **Merged with unapplied changes.** The plans of {Names(projects)} were never applied, so the infrastructure does not match the default branch. Apply them from a new pull request, or set `apply: on_merge` for these projects.\n";
    }

    /// <summary>A command the commenter may not run, e.g. ("mallory", "terraflow apply -p network", "write").</summary>
    public static string PermissionDenied(string user, string command, string requiredPermission) =>
        $"🚫 {MarkdownText.User(user)}, {Name(MarkdownText.Shorten(command.Trim(), 200))} needs {Name(requiredPermission)} permission on this repository; nothing was done.\n";

    private static string Name(string text) => MarkdownText.Code(MarkdownText.Shorten(text, MaxNameChars));

    /// <summary>"`a`", "`a` and `b`", "`a`, `b` and `c`", capped with "and N more"; "every project" when empty.</summary>
    private static string Names(IReadOnlyList<string> projects)
    {
        if (projects.Count == 0) return "every project";
        var shown = projects.Take(MaxListed).Select(Name).ToList();
        if (projects.Count > MaxListed) shown.Add($"{MarkdownText.Count(projects.Count - MaxListed)} more");
        return shown.Count == 1 ? shown[0] : string.Join(", ", shown.Take(shown.Count - 1)) + " and " + shown[^1];
    }

    private static void AppendMore(StringBuilder sb, int count, string noun)
    {
        if (count > MaxListed) sb.Append("- … and ").Append(MarkdownText.Plural(count - MaxListed, $"more {noun}", $"more {noun}s")).Append('\n');
    }
}
