using System.Globalization;
using System.Text;
using TerraFlow.Core.Catalog;
using TerraFlow.Core.Comments;

namespace TerraFlow.Core.Drift;

/// <summary>What a project's drift issue should say: its title, Markdown body and labels.</summary>
public sealed record DriftIssueDocument(string Title, string Body, IReadOnlyList<string> Labels);

/// <summary>
/// Renders a project's drift issue (pure functions; golden files in tests/TerraFlow.Core.Tests/Comments/Golden/drift-*).
/// The body's first line is a hidden marker naming the project, so the issue can be found again when its database row
/// is lost; the drift details and the "last check failed" part sit between markers of their own, so a failed check can
/// keep the details of the drift seen before it. Every text from the repository or Terraform is escaped (names as code,
/// plan text in fences no backtick run can close); the texts of <see cref="DriftCheckResult"/> are already masked.
/// </summary>
public static class DriftIssueText
{
    /// <summary>Every drift issue carries it; issues are searched by it when the row naming the issue is lost.</summary>
    public const string Label = "terraflow-drift";

    /// <summary>Carried while the project's last drift check failed (clone, init or plan error, timeout).</summary>
    public const string FailedLabel = "terraflow-drift-failed";

    /// <summary>The smallest issue-body limit of the VCS hosts is 65,536 characters; kept well under it.</summary>
    public const int MaxBodyLength = 60_000;

    private const int MaxTitleLength = 200;
    private const int MaxResourcesListed = 200;
    private const int MaxFailureLength = 4_000;
    private const string DetailsStart = "<!-- terraflow:drift:details:start -->";
    private const string DetailsEnd = "<!-- terraflow:drift:details:end -->";
    private const string RunMarkerPrefix = "<!-- terraflow:drift:run:";

    /// <summary>The body's hidden first line for <paramref name="project"/>. The name is percent-encoded, so it cannot end the comment.</summary>
    public static string Marker(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return $"<!-- terraflow:drift:project={Uri.EscapeDataString(project.Name)} -->";
    }

    /// <summary>Whether <paramref name="body"/> is this project's drift issue: its first line is exactly the marker.</summary>
    public static bool IsFor(string? body, Project project)
    {
        if (body is null) return false;
        var newline = body.IndexOfAny(['\r', '\n']);
        var first = newline < 0 ? body : body[..newline];
        return string.Equals(first, Marker(project), StringComparison.Ordinal);
    }

    /// <summary>The issue of a drifted project, after a check that found drift.</summary>
    public static DriftIssueDocument Drifted(DriftCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = Header(result, $"## ⚠️ Drift detected in {MarkdownText.Code(result.Project.Name)}");
        sb.Append(DetailsSection(result)).Append("\n");
        Footer(sb);
        return new DriftIssueDocument(Title("Drift", result), Fit(sb), [Label]);
    }

    /// <summary>
    /// The issue after a check that failed. When <paramref name="existingBody"/> holds the details of a drift seen
    /// before, they stay (the drift is not known to be gone) and the failure is added below them; otherwise the issue
    /// is about the failure alone.
    /// </summary>
    public static DriftIssueDocument Failed(DriftCheckResult result, string? existingBody)
    {
        ArgumentNullException.ThrowIfNull(result);
        var details = ExistingDetails(existingBody);
        var sb = Header(result, details is null
            ? $"## ❌ Drift check failed for {MarkdownText.Code(result.Project.Name)}"
            : $"## ⚠️ Drift detected in {MarkdownText.Code(result.Project.Name)}, and the last check failed");
        if (details is not null) sb.Append(details).Append("\n\n");
        sb.Append("### ❌ The last check failed\n\n");
        sb.Append("The check could not tell whether the project drifted (this is not the same as drift):\n\n");
        Facts(sb, [
            ("Checked", $"{Time(result.CheckedAt)} at commit {MarkdownText.Code(MarkdownText.ShortSha(result.CommitSha))}"),
            ("Run", RunLink(result)),
            ("Locked by", LockHolder(result)),
        ]);
        var failure = string.IsNullOrWhiteSpace(result.Failure) ? "(no reason was reported)" : MarkdownText.Shorten(result.Failure.Trim(), MaxFailureLength);
        MarkdownText.AppendCodeBlock(sb, failure, "text");
        Footer(sb);
        var title = details is null ? Title("Drift check failing", result) : Title("Drift", result);
        return new DriftIssueDocument(title, Fit(sb), [Label, FailedLabel]);
    }

    /// <summary>
    /// The issue once a check finds no drift: closed, the earlier details kept below a "resolved" line for the record.
    /// </summary>
    public static DriftIssueDocument Resolved(DriftCheckResult result, string? existingBody, string existingTitle)
    {
        ArgumentNullException.ThrowIfNull(result);
        var details = ExistingDetails(existingBody);
        var sb = Header(result, $"## ✅ No drift in {MarkdownText.Code(result.Project.Name)} any more");
        sb.Append($"The check at {Time(result.CheckedAt)} (commit {MarkdownText.Code(MarkdownText.ShortSha(result.CommitSha))}, run {RunLink(result)}) planned no changes.\n\n");
        if (details is not null) sb.Append("<details><summary>What was seen before</summary>\n\n").Append(details).Append("\n\n</details>\n\n");
        Footer(sb);
        return new DriftIssueDocument(
            string.IsNullOrWhiteSpace(existingTitle) ? Title("Drift", result) : existingTitle,
            Fit(sb), [Label]);
    }

    /// <summary>The comment posted when a clean check closes the issue. Its first line names the run, so a retry can see it was posted.</summary>
    public static string ResolvedComment(DriftCheckResult result, DriftState lastReported)
    {
        ArgumentNullException.ThrowIfNull(result);
        var what = lastReported == DriftState.Failed ? "The drift check works again and found no drift" : "Drift resolved: the infrastructure matches the code again";
        return $"{RunMarker(result.RunId)}\n✅ {what}. The check at {Time(result.CheckedAt)} " +
               $"(commit {MarkdownText.Code(MarkdownText.ShortSha(result.CommitSha))}, run {RunLink(result)}) planned no changes, so TerraFlow closes this issue. " +
               "It opens it again if drift comes back.\n";
    }

    /// <summary>The hidden first line of comments TerraFlow writes for run <paramref name="runId"/>.</summary>
    public static string RunMarker(long runId) => string.Create(CultureInfo.InvariantCulture, $"{RunMarkerPrefix}{runId} -->");

    /// <summary>Whether a comment body starts with <see cref="RunMarker"/> of <paramref name="runId"/>.</summary>
    public static bool IsCommentForRun(string? body, long runId) =>
        body is not null && body.StartsWith(RunMarker(runId), StringComparison.Ordinal);

    private static StringBuilder Header(DriftCheckResult result, string heading)
    {
        var sb = new StringBuilder(4096);
        sb.Append(Marker(result.Project)).Append('\n');
        sb.Append(heading).Append("\n\n");
        var where = $"Repository {MarkdownText.Code(result.Repository.Repo.FullName)} · directory {MarkdownText.Code(result.Project.Dir)}";
        if (!string.Equals(result.Project.Workspace, "default", StringComparison.Ordinal))
            where += $" · workspace {MarkdownText.Code(result.Project.Workspace)}";
        sb.Append(where).Append("\n\n");
        return sb;
    }

    private static string DetailsSection(DriftCheckResult result)
    {
        var sb = new StringBuilder(2048);
        sb.Append(DetailsStart).Append('\n');
        sb.Append("The real infrastructure differs from the code on the default branch: `terraform plan` would change it.\n\n");
        Facts(sb, [
            ("First seen", Time(result.FirstDetectedAt ?? result.CheckedAt)),
            ("Last seen", $"{Time(result.CheckedAt)} at commit {MarkdownText.Code(MarkdownText.ShortSha(result.CommitSha))}"),
            ("Run", RunLink(result)),
            ("Plan", result.Counts is { } c ? StatusText.CountsInWords(c) : "(no counts reported)"),
            ("Locked by", LockHolder(result)),
        ]);
        if (result.Resources.Count > 0)
        {
            sb.Append($"### Resources that drifted ({MarkdownText.Count(result.Resources.Count)})\n\n");
            var listed = 0;
            // At most 200 lines and half the body: the plan below needs room too, and the run has the full list.
            foreach (var r in result.Resources.TakeWhile(_ => listed < MaxResourcesListed && sb.Length < MaxBodyLength / 2))
            {
                sb.Append("- ").Append(MarkdownText.Code(MarkdownText.Shorten(r.Address, 300)))
                  .Append(" — ").Append(MarkdownText.Html(MarkdownText.Shorten(r.Action, 40))).Append('\n');
                listed++;
            }
            if (result.Resources.Count > listed)
                sb.Append($"- … and {MarkdownText.Count(result.Resources.Count - listed)} more (see the run)\n");
            sb.Append('\n');
        }
        if (!string.IsNullOrWhiteSpace(result.PlanSummary))
        {
            sb.Append("<details><summary>Plan</summary>\n\n");
            // Room for the rest of the body; the full plan is behind the run link.
            var text = MarkdownText.Shorten(result.PlanSummary.TrimEnd(), MaxBodyLength - 8_000 - sb.Length);
            MarkdownText.AppendCodeBlock(sb, text, "text");
            sb.Append("</details>\n\n");
        }
        sb.Append(DetailsEnd);
        return sb.ToString();
    }

    /// <summary>The details section of an earlier body (between its markers, markers included), or null.</summary>
    private static string? ExistingDetails(string? body)
    {
        if (body is null) return null;
        var start = body.IndexOf(DetailsStart, StringComparison.Ordinal);
        if (start < 0) return null;
        var end = body.IndexOf(DetailsEnd, start, StringComparison.Ordinal);
        return end < 0 ? null : body[start..(end + DetailsEnd.Length)];
    }

    private static void Facts(StringBuilder sb, IEnumerable<(string Name, string? Value)> facts)
    {
        sb.Append("| | |\n|---|---|\n");
        foreach (var (name, value) in facts)
            if (value is not null) sb.Append("| ").Append(name).Append(" | ").Append(MarkdownText.TableCell(value)).Append(" |\n");
        sb.Append('\n');
    }

    private static string? LockHolder(DriftCheckResult result) => string.IsNullOrWhiteSpace(result.LockHolder)
        ? null
        : $"pull request {MarkdownText.Code(MarkdownText.Shorten(result.LockHolder.Trim(), 100))} holds the project's lock: an apply from it may be the cause or the cure";

    private static string RunLink(DriftCheckResult result)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"#{result.RunId}");
        return MarkdownText.Link(text, result.RunUrl) ?? text;
    }

    private static void Footer(StringBuilder sb) =>
        sb.Append("\n---\n_TerraFlow edits this issue after every drift check of this project and closes it when a check finds no drift; edits to it are overwritten._\n");

    private static string Title(string what, DriftCheckResult result) =>
        MarkdownText.Shorten($"{what}: {result.Project.Name} in {result.Repository.Repo.FullName}".Replace('\n', ' ').Replace('\r', ' '), MaxTitleLength);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Fit(StringBuilder sb)
    {
        var body = sb.ToString();
        return body.Length <= MaxBodyLength ? body : MarkdownText.Shorten(body, MaxBodyLength);
    }
}
