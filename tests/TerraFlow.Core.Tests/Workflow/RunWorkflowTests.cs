using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

public class RunWorkflowTests
{
    private static ProjectDefinition Project(string name, bool autoplan = true) =>
        new(name, name, "default", ["**/*.tf"], [], autoplan);

    private static RunState Discovering(string? requested = null, bool isExplicit = false) =>
        new(1, "abc", RunStatus.Discovering, requested, isExplicit, null, null, null, []);

    private static DiscoveryOutcome Found(IReadOnlyList<ProjectDefinition> all, params string[] affected) =>
        new(true, null, null, all, affected);

    [Fact]
    public void Discovery_queues_a_plan_and_a_pending_status_per_affected_project()
    {
        var d = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a"), Project("b"), Project("c")], "a", "c")));

        Assert.Equal(RunStatus.Planning, d.State.Status);
        Assert.Equal(["a", "c"], d.State.Projects.Select(p => p.Definition.Name));
        Assert.All(d.State.Projects, p => Assert.Equal(ProjectRunStatus.Queued, p.Status));
        Assert.Equal(["a", "c"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
        Assert.Equal(2, d.Effects.OfType<SetCommitStatus>().Count(s => s.State == CommitState.Pending));
        Assert.Single(d.Effects.OfType<SyncComment>());
    }

    [Fact]
    public void No_affected_project_ends_the_run_without_a_comment()
    {
        var d = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a")])));

        Assert.Equal(RunStatus.NoProjects, d.State.Status);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Autoplan_off_projects_are_skipped_on_push_but_planned_on_request()
    {
        var all = new[] { Project("a", autoplan: false) };
        var push = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found(all, "a")));
        Assert.Equal(ProjectRunStatus.Skipped, push.State.Projects[0].Status);
        Assert.Empty(push.Effects.OfType<EnqueuePlan>());
        Assert.Equal(RunStatus.Planned, push.State.Status);

        var command = RunWorkflow.Decide(Discovering(isExplicit: true), new DiscoveryFinished(Found(all, "a")));
        Assert.Single(command.Effects.OfType<EnqueuePlan>());
    }

    [Fact]
    public void A_requested_project_is_planned_even_when_unaffected_and_an_unknown_one_fails_clearly()
    {
        var all = new[] { Project("a"), Project("b") };
        var ok = RunWorkflow.Decide(Discovering("b", true), new DiscoveryFinished(Found(all, "a")));
        Assert.Equal(["b"], ok.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));

        var bad = RunWorkflow.Decide(Discovering("nope", true), new DiscoveryFinished(Found(all, "a")));
        Assert.Equal(RunStatus.Failed, bad.State.Status);
        Assert.Contains("`nope`", bad.State.FailureMessage);
        Assert.Contains("a, b", bad.State.FailureMessage);
    }

    [Fact]
    public void A_config_error_fails_the_run_and_is_commented()
    {
        var error = new ConfigError(".terraflow.yml", 3, 5, "unknown key 'dirr'");
        var d = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(new DiscoveryOutcome(false, error, null, [], [])));

        Assert.Equal(RunStatus.Failed, d.State.Status);
        Assert.Equal(error, d.State.ConfigError);
        Assert.Single(d.Effects.OfType<SyncComment>());
    }

    [Fact]
    public void Plans_finish_the_run_when_the_last_project_reports()
    {
        var planning = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a"), Project("b")], "a", "b"))).State;
        var summary = new PlanSummary("1.2", "1.9.8", [new ResourceChange("x.y", null, "managed", "x", "y", ChangeAction.Create, null, [])], [], [], false);

        var first = RunWorkflow.Decide(planning, new PlanFinished(new PlanOutcome("a", true, summary, "sha", null, null)));
        Assert.Equal(RunStatus.Planning, first.State.Status);
        var status = Assert.Single(first.Effects.OfType<SetCommitStatus>());
        Assert.Equal(CommitState.Success, status.State);
        Assert.Contains("1 to add", status.Description);

        var second = RunWorkflow.Decide(first.State, new PlanFinished(new PlanOutcome("b", false, null, null, null, "boom")));
        Assert.Equal(RunStatus.Planned, second.State.Status);
        Assert.Equal(ProjectRunStatus.Failed, second.State.FindProject("b")!.Status);
        Assert.Equal(CommitState.Failure, second.Effects.OfType<SetCommitStatus>().Single().State);
    }

    [Fact]
    public void A_duplicate_or_late_plan_result_changes_nothing()
    {
        var planning = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a")], "a"))).State;
        var outcome = new PlanOutcome("a", true, null, null, null, null);
        var done = RunWorkflow.Decide(planning, new PlanFinished(outcome)).State;

        var again = RunWorkflow.Decide(done, new PlanFinished(outcome));
        Assert.False(again.Changed);
        Assert.Empty(again.Effects);
    }

    [Fact]
    public void Superseding_cancels_jobs_and_marks_unfinished_projects_cancelled()
    {
        var planning = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a")], "a"))).State;
        var d = RunWorkflow.Decide(planning, new RunSuperseded("def"));

        Assert.Equal(RunStatus.Superseded, d.State.Status);
        Assert.Equal("def", d.State.SupersededBySha);
        Assert.Equal(ProjectRunStatus.Cancelled, d.State.Projects[0].Status);
        Assert.Contains(d.Effects, e => e is CancelJobs);
        Assert.Contains(d.Effects, e => e is SyncComment);

        var beforeDiscovery = RunWorkflow.Decide(Discovering(), new RunSuperseded("def"));
        Assert.DoesNotContain(beforeDiscovery.Effects, e => e is SyncComment);
    }

    [Fact]
    public void A_finished_plan_is_still_superseded_by_a_new_push()
    {
        var planning = RunWorkflow.Decide(Discovering(), new DiscoveryFinished(Found([Project("a")], "a"))).State;
        var planned = RunWorkflow.Decide(planning, new PlanFinished(new PlanOutcome("a", true, null, null, null, null))).State;
        Assert.Equal(RunStatus.Planned, planned.Status);

        var d = RunWorkflow.Decide(planned, new RunSuperseded("def"));
        Assert.Equal(RunStatus.Superseded, d.State.Status);
        Assert.Equal(ProjectRunStatus.Planned, d.State.Projects[0].Status);
        Assert.Contains(d.Effects, e => e is SyncComment);
    }

    [Fact]
    public void A_terminal_run_ignores_every_event()
    {
        var closed = RunWorkflow.Decide(Discovering(), new PullRequestClosed(false)).State;
        Assert.Equal(RunStatus.Closed, closed.Status);
        Assert.False(RunWorkflow.Decide(closed, new DiscoveryFinished(Found([Project("a")], "a"))).Changed);
        Assert.False(RunWorkflow.Decide(closed, new RunSuperseded("x")).Changed);
    }
}
