using System.Diagnostics;
using System.Text;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Workflow;
using static TerraFlow.Core.Tests.Comments.CommentSamples;

namespace TerraFlow.Core.Tests.Comments;

/// <summary>GitHub rejects comments over 65,536 chars: big plans must be cut or split, never rejected.</summary>
public class RunCommentSizeTests
{
    private const string TableHeader = "| Project | Dir | Workspace | Add | Change | Destroy | Replace | Status |";

    internal static ProjectView HugeProject(string name, int changes)
    {
        var actions = new[] { ChangeAction.Create, ChangeAction.Update, ChangeAction.Delete, ChangeAction.DeleteThenCreate };
        var list = new List<ResourceChange>(changes);
        var planText = new StringBuilder();
        for (var i = 0; i < changes; i++)
        {
            var action = actions[i % actions.Length];
            AttributeDiff[] diffs = action == ChangeAction.Update ? new[] { Diff("tags.Index", $"\"{i}\"", $"\"{i + 1}\"") } : [];
            list.Add(Change($"module.fleet.aws_instance.node[{i}]", action, null, diffs));
            planText.Append("  # module.fleet.aws_instance.node[").Append(i).Append("] will be changed\n")
                    .Append("  ~ resource \"aws_instance\" \"node\" {\n      ~ tags = { \"Index\" = \"").Append(i).Append("\" }\n    }\n\n");
        }
        return Project(name, ProjectRunStatus.Planned, Plan(list), planText.ToString());
    }

    private static ProjectView BigPlanTextProject(int index) =>
        Project($"service-{index:D2}", ProjectRunStatus.Planned,
            Plan([Change($"aws_instance.web_{index}", ChangeAction.Update, null, Diff("instance_type", "\"t3.micro\"", "\"t3.large\""))]),
            string.Concat(Enumerable.Repeat($"  ~ resource \"aws_instance\" \"web_{index}\" {{ instance_type = \"t3.micro\" -> \"t3.large\" }}\n", 400)));

    private static void AssertEveryPartIsValid(IReadOnlyList<string> parts, long runId, int max)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.True(parts[i].Length <= max, $"Part {i} has {parts[i].Length} chars, more than {max}.");
            Assert.True(RunCommentRenderer.TryParseMarker(parts[i], out var id, out var part), $"Part {i} does not start with a marker.");
            Assert.Equal((runId, i), (id, part));
            MarkdownStructure.AssertWellFormed(parts[i]);
        }
    }

    [Fact]
    public void Ten_thousand_resource_changes_fit_in_one_comment_with_the_table_and_a_truncation_note()
    {
        var run = Run(RunStatus.Planned, HugeProject("fleet", 10_000));

        var watch = Stopwatch.StartNew();
        var parts = RunCommentRenderer.Render(run);
        watch.Stop();

        AssertEveryPartIsValid(parts, run.RunId, RunCommentRenderer.MaxCommentLength);
        Assert.Contains(TableHeader, parts[0]);
        Assert.Contains("| `fleet` | `stacks/fleet` | `default` | 2,500 | 2,500 | 2,500 | 2,500 | 📝 changes |", parts[0]);
        Assert.Contains("more resource changes, full plan in the artifact store", parts[0]);
        Assert.Contains("module.fleet.aws_instance.node[0]", parts[0]);
        // Quadratic string building takes tens of seconds at this size; linear work takes well under one.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Rendering took {watch.Elapsed}.");
    }

    [Fact]
    public void Fifty_projects_with_big_plan_text_continue_in_marked_parts_in_project_order()
    {
        var projects = Enumerable.Range(1, 50).Select(BigPlanTextProject).ToArray();
        var run = Run(RunStatus.Planned, projects);

        var parts = RunCommentRenderer.Render(run);

        Assert.True(parts.Count > 1, "50 projects of 30 KB plan text each cannot fit in one comment.");
        AssertEveryPartIsValid(parts, run.RunId, RunCommentRenderer.MaxCommentLength);
        Assert.Contains("continue in the next comments", parts[0]);
        foreach (var p in projects) Assert.Contains($"| `{p.Name}` |", parts[0]);
        for (var i = 1; i < parts.Count; i++)
        {
            var secondLine = parts[i].Split('\n')[1];
            Assert.Equal($"### TerraFlow plan for `abc1234` (continued, part {i + 1} of {parts.Count})", secondLine);
            Assert.DoesNotContain(TableHeader, parts[i]);
        }
        // Every project's section appears exactly once, and reading the parts in order reads the projects in order.
        var all = string.Concat(parts);
        var positions = projects.Select(p => all.IndexOf($"<b>{p.Name}</b>", StringComparison.Ordinal)).ToList();
        Assert.All(projects, p => Assert.Equal(all.IndexOf($"<b>{p.Name}</b>", StringComparison.Ordinal), all.LastIndexOf($"<b>{p.Name}</b>", StringComparison.Ordinal)));
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order().ToList(), positions);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(2_500)]
    [InlineData(8_000)]
    [InlineData(30_000)]
    public void Every_part_respects_any_limit(int max)
    {
        var runs = new[]
        {
            Run(RunStatus.Planned, EveryAction(), DatabaseFailed(), NetworkWithChanges()),
            Run(RunStatus.Planned, Enumerable.Range(1, 12).Select(BigPlanTextProject).ToArray()),
            Run(RunStatus.Superseded, HugeProject("fleet", 2_000), NetworkWithChanges()) with { SupersededBySha = NewerSha },
        };
        foreach (var run in runs)
        {
            var parts = RunCommentRenderer.Render(run, max);
            AssertEveryPartIsValid(parts, run.RunId, max);
            Assert.Contains("TerraFlow plan for `abc1234`", parts[0]);
        }
    }

    [Fact]
    public void A_plan_that_fits_is_never_cut()
    {
        var parts = RunCommentRenderer.Render(Run(RunStatus.Planned, EveryAction(), NetworkWithChanges(), DatabaseFailed()));

        Assert.Single(parts);
        Assert.DoesNotContain("truncated", parts[0]);
    }

    [Fact]
    public void A_table_too_long_for_one_comment_lists_what_fits_and_says_how_many_are_missing()
    {
        var projects = Enumerable.Range(1, 2_000)
            .Select(i => Project($"project-with-a-long-name-{i:D4}", ProjectRunStatus.Queued))
            .ToArray();

        var parts = RunCommentRenderer.Render(Run(RunStatus.Planning, projects));

        AssertEveryPartIsValid(parts, 101, RunCommentRenderer.MaxCommentLength);
        Assert.Contains("| `project-with-a-long-name-0001` |", parts[0]);
        Assert.Matches(@"_… [\d,]+ more projects not listed: the table reached the comment size limit\._", parts[0]);
    }

    [Fact]
    public void Limits_below_the_minimum_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RunCommentRenderer.Render(Run(RunStatus.Planned), 999));
    }
}
