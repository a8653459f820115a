using System.Text;
using TerraFlow.Core.Policies;

namespace TerraFlow.Core.Comments;

/// <summary>The policy results of a project section: one table row per failed rule, cut by rows when too long.</summary>
internal static class PolicyBlocks
{
    /// <summary>Resources named per rule; a rule hitting 500 resources must not fill the comment with addresses.</summary>
    private const int MaxResourcesPerRule = 5;

    private const int MaxMessageChars = 500;
    private const int MaxNameChars = 120;

    public static TruncatableBlock? Results(PolicyOutcome? policy, string? overriddenBy)
    {
        if (policy is null || policy.Violations.Count == 0) return null;
        var builder = new TruncatableBlock.Builder(
            "**Policy results**\n\n| Rule | Source | Severity | Resources | Message |\n|---|---|---|---|---|\n", "\n",
            n => $"_… {MarkdownText.Plural(n, "more policy result", "more policy results")} not shown: the comment reached its size limit._\n\n");
        // Denials first: they are what stops the apply; then approvals needed, then warnings.
        foreach (var v in policy.Violations.OrderBy(v => SeverityOrder(v.Severity)))
        {
            AppendRow(builder.Body, v, overriddenBy);
            builder.EndItem();
        }
        return builder.Build();
    }

    private static int SeverityOrder(PolicySeverity s) => s switch
    {
        PolicySeverity.Deny => 0,
        PolicySeverity.RequireApproval => 1,
        _ => 2,
    };

    private static void AppendRow(StringBuilder sb, PolicyViolation v, string? overriddenBy)
    {
        static string Cell(string markdown) => MarkdownText.TableCell(markdown);
        sb.Append("| ").Append(Cell(MarkdownText.Code(MarkdownText.Shorten(v.Rule, MaxNameChars))))
          .Append(" | ").Append(Cell(Source(v.Source)))
          .Append(" | ").Append(Cell(Severity(v, overriddenBy)))
          .Append(" | ").Append(Cell(Resources(v.Resources)))
          .Append(" | ").Append(Cell(string.IsNullOrWhiteSpace(v.Message) ? "—" : MarkdownText.InlineLine(v.Message, MaxMessageChars)))
          .Append(" |\n");
    }

    private static string Source(string source) => source switch
    {
        "terraflow" => "built-in",
        "conftest" => "conftest (OPA)",
        _ => MarkdownText.Code(MarkdownText.Shorten(source, 40)),
    };

    private static string Severity(PolicyViolation v, string? overriddenBy) => v.Severity switch
    {
        PolicySeverity.Deny when !string.IsNullOrWhiteSpace(overriddenBy) => $"⛔ deny, overridden by {MarkdownText.User(overriddenBy)}",
        PolicySeverity.Deny => "⛔ deny",
        PolicySeverity.RequireApproval => $"✋ needs {MarkdownText.Plural(Math.Max(1, v.RequiredApprovals), "approval", "approvals")} from {Approvers(v)}",
        _ => "⚠️ warn",
    };

    private static string Approvers(PolicyViolation v) => v.Approvers.IsEmpty
        ? "anyone with write access"
        : ProjectLifecycleText.Users([.. v.Approvers.Users, .. v.Approvers.Teams]);

    private static string Resources(IReadOnlyList<string> resources)
    {
        if (resources.Count == 0) return "—";
        var shown = string.Join(", ", resources.Take(MaxResourcesPerRule).Select(r => MarkdownText.Code(MarkdownText.Shorten(r, MaxNameChars))));
        return resources.Count > MaxResourcesPerRule
            ? $"{shown} and {MarkdownText.Count(resources.Count - MaxResourcesPerRule)} more"
            : shown;
    }
}
