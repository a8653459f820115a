using System.Text;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;
using static TerraFlow.Core.Tests.Comments.LifecycleSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>Big apply outputs and many policy results must still fit GitHub's limit, and hostile text must stay contained.</summary>
public class LifecycleSizeAndSafetyTests
{
    private static string BigApplyOutput(int lines)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < lines; i++) sb.Append("module.fleet.aws_instance.node[").Append(i).Append("]: Modifications complete after 1s [id=i-0abc").Append(i).Append("]\n");
        return sb.Append("\nApply complete! Resources: 0 added, ").Append(lines).Append(" changed, 0 destroyed.\n").ToString();
    }

    private static PolicyOutcome ManyViolations(int count) => Outcome([.. Enumerable.Range(0, count).Select(i =>
        Violation($"rule-{i}", i % 3 == 0 ? PolicySeverity.Deny : PolicySeverity.Warn, $"Resource {i} breaks rule {i}: " + new string('x', 200),
            resources: [.. Enumerable.Range(0, 20).Select(j => $"aws_instance.node[{i * 20 + j}]")]))]);

    private static void AssertValid(IReadOnlyList<string> parts, int max)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.True(parts[i].Length <= max, $"Part {i} has {parts[i].Length} chars, more than {max}.");
            Assert.True(RunCommentRenderer.TryParseMarker(parts[i], out _, out var part) && part == i, $"Part {i} has no marker for part {i}.");
            MarkdownStructure.AssertWellFormed(parts[i]);
        }
    }

    [Fact]
    public void A_huge_apply_output_is_cut_from_the_start_and_keeps_its_last_lines()
    {
        var project = NetworkApplied() with { Apply = Apply(BigApplyOutput(20_000)) };

        var body = Assert.Single(RunCommentRenderer.Render(Run(RunStatus.Planned, project)));

        AssertValid([body], RunCommentRenderer.MaxCommentLength);
        Assert.Contains("Apply complete! Resources: 0 added, 20000 changed, 0 destroyed.", body);
        Assert.DoesNotContain("aws_instance.node[0]:", body);
        Assert.Matches(@"apply output truncated: the first [\d,]+ lines are not shown", body);
    }

    [Fact]
    public void Thousands_of_policy_violations_are_cut_with_a_note_and_the_table_stays()
    {
        var project = NetworkAwaitingApproval() with { Policy = ManyViolations(3_000) };

        var body = Assert.Single(RunCommentRenderer.Render(Run(RunStatus.Planned, project)));

        AssertValid([body], RunCommentRenderer.MaxCommentLength);
        Assert.Contains("| `network` | `stacks/network` | `default` | 2 | 1 | 0 | 0 | 📝 changes | ⛔ denied · 👍 1/2 · [Approve](", body);
        Assert.Matches(@"_… [\d,]+ more policy results not shown", body);
        Assert.Contains("`aws_instance.node[4]` and 15 more", body);
        // Denials come first, so the rows that survive the cut are the ones that block the apply.
        Assert.Contains("| `rule-0` | built-in | ⛔ deny |", body);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(4_000)]
    [InlineData(20_000)]
    [InlineData(RunCommentRenderer.MaxCommentLength)]
    public void Many_projects_with_big_applies_and_policies_split_into_valid_parts(int max)
    {
        var projects = Enumerable.Range(1, 30).Select(i => (NetworkApplied() with
        {
            Name = $"service-{i:D2}",
            Status = i % 5 == 0 ? ProjectRunStatus.ApplyInterrupted : ProjectRunStatus.ApplyFailed,
            Apply = Apply(BigApplyOutput(500), "Error: " + new string('e', 3_000)),
            Policy = ManyViolations(40),
            ApplyBlockers = [.. Enumerable.Range(0, 30).Select(j => $"blocker {j} " + new string('b', 400))],
            ApprovedBy = [.. Enumerable.Range(0, 40).Select(j => $"user{j}")],
        })).ToArray();
        var run = Run(RunStatus.Planned, projects) with { Warnings = [.. Enumerable.Range(0, 30).Select(i => $"warning {i} " + new string('w', 600))] };

        var parts = RunCommentRenderer.Render(run, max);

        AssertValid(parts, max);
        Assert.Contains("TerraFlow plan for `abc1234`", parts[0]);
        if (max == RunCommentRenderer.MaxCommentLength)
        {
            // At GitHub's limit nothing is lost: every project's section is in some part.
            var all = string.Concat(parts);
            Assert.All(projects, p => Assert.Contains($"<b>{p.Name}</b>", all));
            Assert.Contains("more warnings", parts[0]);
        }
    }

    [Fact]
    public void Hostile_policy_messages_blockers_and_warnings_cannot_break_the_comment()
    {
        var project = NetworkAwaitingApproval() with
        {
            Policy = Outcome(Violation("rule|x", PolicySeverity.Deny, "bad | cell\n</details>\n```\n<img src=x>", resources: ["a|b"])),
            ApplyBlockers = ["</details><details open>\n# heading"],
        };
        var run = Run(RunStatus.Planned, project) with { Warnings = ["</details>\n```"] };

        var body = Assert.Single(RunCommentRenderer.Render(run));

        var parsed = MarkdownStructure.AssertWellFormed(body);
        var row = parsed.OutsideLines.Single(l => l.StartsWith("| ``rule", StringComparison.Ordinal) || l.StartsWith("| `rule", StringComparison.Ordinal));
        Assert.Equal(6, MarkdownStructure.UnescapedPipes(row));
        Assert.DoesNotContain(parsed.OutsideLines, l => l.Contains("<img", StringComparison.Ordinal) || l.Contains("</details><", StringComparison.Ordinal));
        Assert.Contains("- &lt;/details>&lt;details open> # heading", body);
    }

    [Fact]
    public void Apply_output_with_code_fences_stays_inside_its_code_block()
    {
        var project = NetworkApplied() with { Apply = Apply("null_resource.x: Creating...\n````\n</details>\nstill output") };

        var parsed = MarkdownStructure.AssertWellFormed(Assert.Single(RunCommentRenderer.Render(Run(RunStatus.Planned, project))));

        Assert.Contains(parsed.CodeBlocks, b => b.Contains("````\n</details>\nstill output", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    [InlineData("/relative/approve")]
    public void Approval_links_that_are_not_absolute_http_urls_are_not_rendered(string url)
    {
        var body = Assert.Single(RunCommentRenderer.Render(Run(RunStatus.Planned, NetworkAwaitingApproval() with { ApprovalUrl = url })));

        Assert.DoesNotContain("Approve this plan", body);
        Assert.DoesNotContain(url, body);
    }

    [Fact]
    public void Approval_link_characters_that_could_end_the_link_or_split_the_cell_are_encoded()
    {
        var body = Assert.Single(RunCommentRenderer.Render(Run(RunStatus.Planned,
            NetworkAwaitingApproval() with { ApprovalUrl = "https://tf.example.com/approve?t=a)b|c" })));

        Assert.Contains("[Approve](https://tf.example.com/approve?t=a%29b%7Cc)", body);
        Assert.Contains("[**Approve this plan**](https://tf.example.com/approve?t=a%29b%7Cc)", body);
    }

    [Fact]
    public void Replies_show_odd_user_names_and_project_names_as_code_and_flatten_reasons()
    {
        var approved = Replies.Approved(["net`work"], "evil **user**", ApprovalSource.Comment, ["not eligible\n\n</details># x"]);
        var refused = Replies.Refused("apply", ["line1\nline2", "</details>"]);

        Assert.StartsWith("👍 Approval by `evil **user**` recorded for ``net`work``.", approved);
        Assert.Contains("- not approved: not eligible &lt;/details># x\n", approved);
        Assert.Equal("🚫 **TerraFlow:** apply refused:\n- line1 line2\n- &lt;/details>", refused);
    }
}
