using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

/// <summary>
/// <c>depends_on</c> with automatic applies (<c>apply: on_approval</c>, <c>apply: on_merge</c>): a dependent that is
/// approved while its dependency is still unapplied or applying waits and starts when the dependency has applied;
/// every plan is applied once, never before its dependency, and never after the dependency failed.
/// </summary>
public class DependentApplyWorkflowTests
{
    private const int Pr = 7;
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly PullRequestFacts Facts = new("head", "author", true, true);
    private static readonly Actor Writer = new("alice", RepoPermission.Write, []);
    private static readonly Actor Other = new("bob", RepoPermission.Write, []);

    private static readonly ApplySettings OnApproval = ApplySettings.Default with { When = ApplyTrigger.OnApproval };
    private static readonly ApplySettings OnMerge = ApplySettings.Default with { When = ApplyTrigger.OnMerge, Requirements = [] };

    private static readonly PlanSummary Changes = new("1.2", "1.9.8",
        [new ResourceChange("x.y", null, "managed", "x", "y", ChangeAction.Create, null, [])], [], [], false);

    private static ProjectRunState Planned(string name, ApplySettings apply, params string[] dependsOn) =>
        new(new ProjectDefinition(name, name, "default", ["**/*.tf"], dependsOn, true) { Apply = apply },
            ProjectRunStatus.Planned, Changes, "sha-" + name, new PlanArtifactsRef("pf-" + name, "pj", "pt", "log"), null) { Policy = PolicyOutcome.Passed };

    private static RunState Run(params ProjectRunState[] projects) =>
        new(1, "head", RunStatus.Planned, null, false, null, null, null, projects);

    private static readonly LockView NoLocks = new(Pr, new Dictionary<string, int>());

    private static Decision Approve(RunState s, Actor who, string? project = null) =>
        RunWorkflow.Decide(s, new ApprovalSubmitted(who, ApprovalSource.Comment, project, null, Now, Facts) { Locks = NoLocks });

    private static Decision Finished(RunState s, string project, bool ok) =>
        RunWorkflow.Decide(s, new ApplyFinished(new ApplyOutcome(project, ok, false, ok ? "Apply complete!" : null, null, ok ? null : "Error: quota exceeded")));

    private static string[] Enqueued(Decision d) => d.Effects.OfType<EnqueueApply>().Select(e => e.Project.Name).ToArray();

    private static ProjectRunStatus Status(Decision d, string project) => d.State.FindProject(project)!.Status;

    private static string Replies(Decision d) => string.Join("\n", d.Effects.OfType<PostReply>().Select(r => r.Body));

    [Fact]
    public void One_approval_of_both_applies_the_dependency_then_the_dependent()
    {
        var run = Run(Planned("network", OnApproval), Planned("app", OnApproval, "network"));

        var approved = Approve(run, Writer);
        Assert.Equal(["network"], Enqueued(approved));
        Assert.Equal(ProjectRunStatus.Applying, Status(approved, "network"));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(approved, "app"));

        var networkDone = Finished(approved.State, "network", ok: true);
        Assert.Equal(["app"], Enqueued(networkDone));
        Assert.Equal(ProjectRunStatus.Applying, Status(networkDone, "app"));

        var appDone = Finished(networkDone.State, "app", ok: true);
        Assert.Empty(Enqueued(appDone));
        Assert.All(appDone.State.Projects, p => Assert.Equal(ProjectRunStatus.Applied, p.Status));
    }

    [Fact]
    public void A_failed_dependency_blocks_the_approved_dependent_and_says_why()
    {
        var approved = Approve(Run(Planned("network", OnApproval), Planned("app", OnApproval, "network")), Writer);

        var failed = Finished(approved.State, "network", ok: false);

        Assert.Empty(Enqueued(failed));
        Assert.Equal(ProjectRunStatus.ApplyFailed, Status(failed, "network"));
        var app = failed.State.FindProject("app")!;
        Assert.Equal(ProjectRunStatus.ApplyBlocked, app.Status);
        Assert.Contains("`network`", app.Apply!.Error);
        // The dependent's commit status does not stay "waiting" for ever.
        var status = Assert.Single(failed.Effects.OfType<SetCommitStatus>(), s => s.ProjectName == "app");
        Assert.Equal(CommitState.Failure, status.State);
        Assert.Contains("network", status.Description);
        Assert.Contains(failed.Effects, e => e is SyncComment);
    }

    [Fact]
    public void A_dependent_approved_before_its_dependency_starts_after_the_dependency_is_approved_and_applied()
    {
        var run = Run(Planned("network", OnApproval), Planned("app", OnApproval, "network"));

        var appApproved = Approve(run, Writer, "app");
        Assert.Empty(Enqueued(appApproved)); // network has unapplied changes: app must not go first
        Assert.Equal(ProjectRunStatus.Planned, Status(appApproved, "app"));

        var networkApproved = Approve(appApproved.State, Writer, "network");
        Assert.Equal(["network"], Enqueued(networkApproved));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(networkApproved, "app"));

        var networkDone = Finished(networkApproved.State, "network", ok: true);
        Assert.Equal(["app"], Enqueued(networkDone));
    }

    [Fact]
    public void A_dependent_approved_while_its_dependency_applies_waits_for_it_instead_of_applying_alongside()
    {
        var run = Run(Planned("network", OnApproval), Planned("app", OnApproval, "network"));
        var networkApplying = Approve(run, Writer, "network");
        Assert.Equal(["network"], Enqueued(networkApplying));

        var appApproved = Approve(networkApplying.State, Writer, "app");
        Assert.Empty(Enqueued(appApproved));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(appApproved, "app"));

        var networkDone = Finished(appApproved.State, "network", ok: true);
        Assert.Equal(["app"], Enqueued(networkDone));
    }

    [Fact]
    public void An_approval_of_an_untouched_project_does_not_start_unrelated_ones()
    {
        // `other` was approved while its lock was held elsewhere; the lock is free now, but approving `network` must not start it.
        var run = Run(Planned("network", OnApproval), Planned("other", OnApproval) with { Approvals = [new Approval("bob", ApprovalSource.Comment, Now) { Permission = RepoPermission.Write }] });

        var d = Approve(run, Writer, "network");

        Assert.Equal(["network"], Enqueued(d));
        Assert.Equal(ProjectRunStatus.Planned, Status(d, "other"));
    }

    [Fact]
    public void Each_plan_is_applied_once_even_when_approvals_arrive_while_applying()
    {
        var run = Run(Planned("network", OnApproval), Planned("app", OnApproval, "network"));
        var first = Approve(run, Writer);
        var second = Approve(first.State, Other); // a second reviewer approves while network applies
        Assert.Empty(Enqueued(second));

        var networkDone = Finished(second.State, "network", ok: true);
        var appDone = Finished(networkDone.State, "app", ok: true);
        var all = new[] { first, second, networkDone, appDone }.SelectMany(Enqueued).ToList();
        Assert.Equal(["network", "app"], all);
    }

    [Fact]
    public void A_manual_apply_of_a_dependent_while_its_dependency_applies_waits_for_it()
    {
        var none = ApplySettings.Default with { Requirements = [] };
        var run = Run(Planned("network", none), Planned("app", none, "network"));
        var networkApplying = RunWorkflow.Decide(run, new ApplyRequested(Writer, "network", Facts, NoLocks));

        var app = RunWorkflow.Decide(networkApplying.State, new ApplyRequested(Writer, "app", Facts, NoLocks));

        Assert.Empty(Enqueued(app));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(app, "app"));
        Assert.Contains("app", Replies(app));
        Assert.Equal(["app"], Enqueued(Finished(app.State, "network", ok: true)));
    }

    [Fact]
    public void On_merge_applies_the_dependency_then_the_dependent_and_a_failure_blocks_it()
    {
        var run = Run(Planned("network", OnMerge), Planned("app", OnMerge, "network"));

        var merged = RunWorkflow.Decide(run, new PullRequestClosed(true) { By = "merger", Facts = Facts, Locks = NoLocks });
        Assert.Equal(["network"], Enqueued(merged));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(merged, "app"));
        Assert.Empty(merged.Effects.OfType<ReleaseLocks>());

        var networkDone = Finished(merged.State, "network", ok: true);
        Assert.Equal(["app"], Enqueued(networkDone));
        var appDone = Finished(networkDone.State, "app", ok: true);
        Assert.Single(appDone.Effects.OfType<ReleaseLocks>());

        var networkFailed = Finished(merged.State, "network", ok: false);
        Assert.Empty(Enqueued(networkFailed));
        Assert.Equal(ProjectRunStatus.ApplyBlocked, Status(networkFailed, "app"));
        Assert.Single(networkFailed.Effects.OfType<ReleaseLocks>()); // nothing left in flight
    }

    [Fact]
    public void An_on_merge_dependent_merged_while_its_on_approval_dependency_applies_waits_for_it()
    {
        var run = Run(Planned("network", OnApproval), Planned("app", OnMerge, "network"));
        var networkApplying = Approve(run, Writer, "network");
        Assert.Equal(["network"], Enqueued(networkApplying));

        var merged = RunWorkflow.Decide(networkApplying.State, new PullRequestClosed(true) { By = "merger", Facts = Facts, Locks = NoLocks });

        Assert.Empty(Enqueued(merged));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(merged, "app"));
        Assert.Equal(["app"], Enqueued(Finished(merged.State, "network", ok: true)));
    }

    [Fact]
    public void An_approved_on_approval_dependent_of_an_on_merge_dependency_applies_after_it_on_merge()
    {
        var run = Run(Planned("network", OnMerge), Planned("app", OnApproval, "network"));
        var appApproved = Approve(run, Writer, "app");
        Assert.Empty(Enqueued(appApproved)); // network is applied only on merge

        var merged = RunWorkflow.Decide(appApproved.State, new PullRequestClosed(true) { By = "merger", Facts = Facts, Locks = NoLocks });

        Assert.Equal(["network"], Enqueued(merged));
        Assert.Equal(ProjectRunStatus.ApplyPending, Status(merged, "app"));
        Assert.DoesNotContain("`app`", Replies(merged)); // not reported as "never applied"
        Assert.Equal(["app"], Enqueued(Finished(merged.State, "network", ok: true)));
    }

    [Fact]
    public void An_unapproved_on_approval_dependent_is_not_applied_on_merge()
    {
        var run = Run(Planned("network", OnMerge), Planned("app", OnApproval, "network"));

        var merged = RunWorkflow.Decide(run, new PullRequestClosed(true) { By = "merger", Facts = Facts, Locks = NoLocks });

        Assert.Equal(["network"], Enqueued(merged));
        Assert.Equal(ProjectRunStatus.Planned, Status(merged, "app"));
        Assert.Contains("`app`: its plan was never applied", Replies(merged));
        Assert.Empty(Enqueued(Finished(merged.State, "network", ok: true)));
    }
}
