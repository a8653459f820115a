using TerraFlow.Core.Comments;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

/// <summary>Discovery's rule-change notice stays with the run and reaches the top of the comment.</summary>
public class RuleNoticeWorkflowTests
{
    private const string Notice = "This pull request changes `.terraflow.yml`. Apply rules are read from the base branch, so these changes take effect after merge.";

    private static RunState Discovering() => new(1, "abc", RunStatus.Discovering, null, false, null, null, null, []);

    [Fact]
    public void The_notice_is_kept_in_the_run_state_whether_or_not_projects_are_affected()
    {
        var project = new ProjectDefinition("a", "a", "default", ["**/*.tf"], [], true);
        var planned = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(new DiscoveryOutcome(true, null, null, [project], ["a"]) { RuleNotice = Notice }));
        Assert.Equal(Notice, planned.State.RuleNotice);

        var none = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(new DiscoveryOutcome(true, null, null, [project], []) { RuleNotice = Notice }));
        Assert.Equal(Notice, none.State.RuleNotice);
    }

    [Fact]
    public void The_notice_shows_as_a_warning_line_above_the_summary()
    {
        var view = new RunView(1, "abc", RunStatus.Planning, null, null, null, [], null) { Warnings = [Notice] };
        var header = RunSummaryWriter.MainHeader(view, 60_000, split: false);
        Assert.Contains("⚠️ This pull request changes `.terraflow.yml`.", header);
        Assert.Contains("take effect after merge", header);
    }
}
