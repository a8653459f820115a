using System.Text;
using BenchmarkDotNet.Attributes;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Benchmarks;

/// <summary>
/// Rendering the pull-request comment for a very large plan (10,000 resource changes plus their plan text).
/// The renderer must stay linear: it renders each block once and cuts it by binary search.
/// </summary>
[MemoryDiagnoser]
public class CommentRenderingBenchmarks
{
    private RunView _run = null!;

    [GlobalSetup]
    public void Setup()
    {
        ChangeAction[] actions =
        [
            ChangeAction.Create, ChangeAction.Update, ChangeAction.Delete, ChangeAction.DeleteThenCreate,
            ChangeAction.CreateThenDelete, ChangeAction.Read,
        ];
        var changes = new List<ResourceChange>(10_000);
        var planText = new StringBuilder(10_000 * 120);
        for (var i = 0; i < 10_000; i++)
        {
            var action = actions[i % actions.Length];
            AttributeDiff[] diffs = action == ChangeAction.Update
                ? [new AttributeDiff("tags.Index", $"\"{i}\"", $"\"{i + 1}\"", false, false), new AttributeDiff("password", "(sensitive value)", "(sensitive value)", true, false)]
                : [];
            var address = $"module.fleet.aws_instance.node[{i}]";
            changes.Add(new ResourceChange(address, "module.fleet", "managed", "aws_instance", "node", action, null, diffs));
            planText.Append("  # ").Append(address).Append(" will be changed\n")
                    .Append("  ~ resource \"aws_instance\" \"node\" {\n      ~ tags = { \"Index\" = \"").Append(i).Append("\" }\n    }\n\n");
        }
        var plan = new PlanSummary("1.2", "1.9.5", changes, [], [], false);
        var project = new ProjectView("fleet", "stacks/fleet", "default", ProjectRunStatus.Planned, plan, planText.ToString(), null);
        _run = new RunView(1, "abc1234f9e8d7c6b5a4938271605f4e3d2c1b0a9", RunStatus.Planned, null, null, null, [project], null);
    }

    [Benchmark]
    public int RenderTenThousandChanges() => RunCommentRenderer.Render(_run).Count;
}
