using TerraFlow.Core.Catalog;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Tests.Comments;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Tests.Drift;

/// <summary>What people see in a project's drift issue; Comments/Golden/drift-*.md are reviewed by hand.</summary>
public class DriftIssueGoldenTests
{
    private static readonly DateTimeOffset Seen = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    internal static DriftCheckResult Result(DriftState state, DriftState previous = DriftState.Clean, string name = "network") => new(
        new Repository(3, "github", new RepoRef("acme", "infra", 42), "https://github.com/acme/infra.git", Seen, Seen),
        new Project(17, 3, name, "infra/network", "default", Seen, Seen),
        RunId: 1234,
        CommitSha: "0123456789abcdef0123456789abcdef01234567",
        State: state,
        PreviousState: previous,
        CheckedAt: Seen.AddDays(1).AddMinutes(7),
        FirstDetectedAt: state == DriftState.Drifted ? Seen : null,
        Counts: state == DriftState.Drifted ? new PlanCounts(1, 2, 0, 1, 0, 0) : null,
        Resources: state == DriftState.Drifted
            ? [new DriftedResource("azurerm_subnet.a", "update"), new DriftedResource("module.dns.azurerm_dns_zone.main", "replace"),
               new DriftedResource("azurerm_network_security_rule.ssh", "update"), new DriftedResource("azurerm_route.default", "create")]
            : [],
        PlanSummary: state == DriftState.Drifted
            ? "  # azurerm_subnet.a has changed\n  ~ resource \"azurerm_subnet\" \"a\" {\n      ~ address_prefixes = [\"10.0.1.0/24\"] -> [\"10.0.2.0/24\"]\n    }\n\nPlan: 2 to add, 2 to change, 1 to destroy."
            : null,
        Failure: state == DriftState.Failed ? "Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/azurerm: (masked)" : null,
        LockHolder: state == DriftState.Drifted ? "#12" : null,
        RunUrl: "https://terraflow.example.com/api/console/runs/1234");

    [Fact]
    public void Drift_found()
    {
        var doc = DriftIssueText.Drifted(Result(DriftState.Drifted));
        Assert.Equal("Drift: network in acme/infra", doc.Title);
        Assert.Equal([DriftIssueText.Label], doc.Labels);
        GoldenFile.AssertMatches("drift-detected.md", doc.Body);
    }

    [Fact]
    public void Check_failed_while_drift_was_open_keeps_the_drift_and_adds_the_failure()
    {
        var before = DriftIssueText.Drifted(Result(DriftState.Drifted)).Body;
        var doc = DriftIssueText.Failed(Result(DriftState.Failed, DriftState.Drifted), before);
        Assert.Equal("Drift: network in acme/infra", doc.Title);
        Assert.Equal([DriftIssueText.Label, DriftIssueText.FailedLabel], doc.Labels);
        Assert.Contains("azurerm_subnet.a", doc.Body, StringComparison.Ordinal);
        GoldenFile.AssertMatches("drift-failed-after-drift.md", doc.Body);
    }

    [Fact]
    public void Check_failed_without_drift_is_an_issue_about_the_failure()
    {
        var doc = DriftIssueText.Failed(Result(DriftState.Failed, DriftState.Clean), existingBody: null);
        Assert.Equal("Drift check failing: network in acme/infra", doc.Title);
        Assert.DoesNotContain("Drift detected", doc.Body, StringComparison.Ordinal);
        GoldenFile.AssertMatches("drift-failed.md", doc.Body);
    }

    [Fact]
    public void Resolved_keeps_what_was_seen_and_the_comment_names_the_run()
    {
        var before = DriftIssueText.Drifted(Result(DriftState.Drifted));
        var clean = Result(DriftState.Clean, DriftState.Drifted);
        var doc = DriftIssueText.Resolved(clean, before.Body, before.Title);
        Assert.Equal(before.Title, doc.Title);
        GoldenFile.AssertMatches("drift-resolved.md", doc.Body);
        var comment = DriftIssueText.ResolvedComment(clean, DriftState.Drifted);
        Assert.True(DriftIssueText.IsCommentForRun(comment, 1234));
        Assert.False(DriftIssueText.IsCommentForRun(comment, 123));
        GoldenFile.AssertMatches("drift-resolved-comment.md", comment);
    }

    [Fact]
    public void The_marker_finds_the_project_and_no_other()
    {
        var result = Result(DriftState.Drifted);
        var body = DriftIssueText.Drifted(result).Body;
        Assert.True(DriftIssueText.IsFor(body, result.Project));
        Assert.False(DriftIssueText.IsFor(body, result.Project with { Name = "network-2" }));
        // Quoted further down, not on the first line: not the project's issue.
        Assert.False(DriftIssueText.IsFor("> quote\n" + body, result.Project));
    }

    [Fact]
    public void Hostile_names_and_plan_text_cannot_break_the_body()
    {
        var result = Result(DriftState.Drifted, name: "x --> <details> `y` | z\n# h") with
        {
            PlanSummary = "```\n</details>\n<!-- terraflow:drift:details:end -->\n" + new string('a', 200_000),
            Resources = Enumerable.Range(0, 5_000).Select(i => new DriftedResource($"null_resource.r{i}`|<b>", "update")).ToList(),
        };
        var doc = DriftIssueText.Drifted(result);
        Assert.True(doc.Body.Length <= DriftIssueText.MaxBodyLength, $"{doc.Body.Length} characters");
        Assert.True(DriftIssueText.IsFor(doc.Body, result.Project));
        // The marker cannot be closed early by the name, and the plan's own end marker stays inside its fence.
        Assert.Equal(1, Count(doc.Body.Split('\n')[0], "-->"));
        Assert.Contains("… and ", doc.Body, StringComparison.Ordinal);
        Assert.True(doc.Title.Length <= 256);
        Assert.DoesNotContain('\n', doc.Title);
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
