using TerraFlow.Core.Comments;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;
using static TerraFlow.Core.Tests.Comments.LifecycleSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>What reviewers see after planning: policies, approvals, locks, applies, merge. Golden files are reviewed by hand.</summary>
public class LifecycleGoldenTests
{
    private static string RenderSingle(RunView run)
    {
        var body = Assert.Single(RunCommentRenderer.Render(run));
        MarkdownStructure.AssertWellFormed(body);
        return body;
    }

    [Fact]
    public void Awaiting_approval_with_policy_warnings_and_an_approval_rule()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkAwaitingApproval(), AppPoliciesPassed()));

        GoldenFile.AssertMatches("awaiting-approval.md", body);
        Assert.Contains("👍 Approved by @alice (1 of 2).", body);
        Assert.Contains($"👉 [**Approve this plan**]({ApproveUrl}) — or comment `terraflow approve -p network`.", body);
        Assert.Contains("| `network` | `stacks/network` | `default` | 2 | 1 | 0 | 0 | 📝 changes | ✋ needs approval · 👍 1/2 · [Approve](", body);
    }

    [Fact]
    public void Policy_denied_overridden_and_failed_to_evaluate()
    {
        var body = RenderSingle(Run(RunStatus.Planned, VaultDenied(), StorageOverridden(), DnsPolicyError()));

        GoldenFile.AssertMatches("policy-denied.md", body);
        Assert.Contains("`azurerm_key_vault.team[5]` and 3 more", body);
        Assert.DoesNotContain("`azurerm_key_vault.team[6]`,", body);
        Assert.Contains("🔓 **Denied by policy, overridden by @carol.**", body);
        // The denied section is opened; the overridden one is not.
        Assert.Contains("<details open><summary>📝 <b>vault</b>", body);
        Assert.Contains("<details><summary>📝 <b>storage</b>", body);
    }

    [Fact]
    public void Applying_with_one_applied_one_running_and_one_waiting_for_its_dependency()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkApplied(), DatabaseApplying(), AppApplyPending()));

        GoldenFile.AssertMatches("applying.md", body);
        Assert.Contains("🚀 **Applying**: 1 applied, 1 applying, 1 apply pending.", body);
    }

    [Fact]
    public void Apply_failed_and_its_dependent_blocked()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkApplied(), DatabaseApplyFailed(), AppApplyBlocked()));

        GoldenFile.AssertMatches("apply-failed.md", body);
        Assert.Contains("<details open><summary>❌ <b>database</b>", body);
    }

    [Fact]
    public void Apply_interrupted_warns_at_the_top_and_in_the_open_section()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkInterrupted(), AppWithoutChanges()));

        GoldenFile.AssertMatches("apply-interrupted.md", body);
        var warning = body.IndexOf("🛑 **The apply of `network` was interrupted**", StringComparison.Ordinal);
        Assert.True(warning > 0 && warning < body.IndexOf("| Project |", StringComparison.Ordinal), "The interrupted apply must be flagged above the table.");
        Assert.Contains("terraform force-unlock", body);
        Assert.Contains("`terraflow plan -p network`", body);
        Assert.Contains("never retries an apply", body);
    }

    [Fact]
    public void Waiting_for_a_lock_held_by_another_pull_request()
    {
        var body = RenderSingle(Run(RunStatus.Planned, NetworkWaitingForLock(), AppWithoutChanges()));

        GoldenFile.AssertMatches("waiting-for-lock.md", body);
        Assert.Contains("🔒 Waiting for the lock on `stacks/network` (workspace `default`) held by #42; this pull request is queued and will be re-planned automatically when the lock is released.", body);
        Assert.Contains("| 🔒 waiting for lock behind #42 |", body);
    }

    [Fact]
    public void Applied_and_merged_says_so_in_the_heading()
    {
        var run = Run(RunStatus.Closed, NetworkApplied(), AppWithoutChanges()) with { Merged = true };

        var body = RenderSingle(run);

        GoldenFile.AssertMatches("applied-merged.md", body);
        Assert.Contains("### TerraFlow plan for `abc1234` — applied and merged\n", body);
        Assert.Contains("🔀 **Pull request merged**", body);
    }

    [Fact]
    public void Merged_with_unapplied_projects_shows_the_warning_near_the_top()
    {
        var run = Run(RunStatus.Closed, NetworkWithChanges(), AppWithoutChanges()) with
        {
            Merged = true,
            Warnings = ["Merged with unapplied changes in `network`: the infrastructure does not match the default branch."],
        };

        var body = RenderSingle(run);

        GoldenFile.AssertMatches("merged-unapplied.md", body);
        Assert.StartsWith("<!-- terraflow:run:101:part:0 -->\n### TerraFlow plan for `abc1234` — merged\n\n⚠️ Merged with unapplied changes", body);
        Assert.DoesNotContain("To apply, comment", body);
    }

    [Fact]
    public void Reply_comments()
    {
        // The texts of Core.Workflow.Replies as users see them on the pull request.
        var replies = new (string Name, string Body)[]
        {
            ("Refused (one reason)", Replies.Refused("apply", ["`network` needs 1 more approval from @acme/network"])),
            ("Refused (several reasons)", Replies.Refused("apply", ["`network` needs 1 more approval from @acme/network", "the branch is behind `main`"])),
            ("ApplyStarted", Replies.ApplyStarted(["network", "database"], [], "alice")),
            ("ApplyStarted (waiting)", Replies.ApplyStarted(["network"], ["app"], "alice")),
            ("Approved", Replies.Approved(["network"], "bob", ApprovalSource.Comment, [])),
            ("Approved (partly)", Replies.Approved(["network"], "bob", ApprovalSource.Comment, ["`vault`: @bob is not in @acme/security"])),
            ("PoliciesOverridden", Replies.PoliciesOverridden(["vault"], "carol")),
            ("Unlocked", Replies.Unlocked(["network"], "alice")),
            ("Unlocked (every lock)", Replies.Unlocked(null, "alice")),
            ("MergedUnapplied", Replies.MergedUnapplied(["`network`: not applied"])),
            ("ApplyInterrupted", Replies.ApplyInterrupted("network", "runner lost\nits lease")),
        };

        var all = string.Concat(replies.Select(r => $"<!-- {r.Name} -->\n{r.Body}\n"));

        GoldenFile.AssertMatches("replies.md", all);
    }
}
