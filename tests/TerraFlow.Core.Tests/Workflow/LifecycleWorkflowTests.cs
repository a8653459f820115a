using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

/// <summary>The lifecycle after planning: locks, approvals, policy, applies in dependency order, merge and close.</summary>
public class LifecycleWorkflowTests
{
    private const int Pr = 7;
    private const string Author = "author";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly PullRequestFacts Facts = new("head", Author, true, true);
    private static readonly Actor Writer = new("alice", RepoPermission.Write, []);
    private static readonly Actor Reader = new("rita", RepoPermission.Read, []);

    private static ProjectDefinition Project(string name, string[]? dependsOn = null, ApplySettings? apply = null) =>
        new(name, name, "default", ["**/*.tf"], dependsOn ?? [], true) { Apply = apply ?? ApplySettings.Default };

    private static readonly PlanSummary Changes = new("1.2", "1.9.8",
        [new ResourceChange("x.y", null, "managed", "x", "y", ChangeAction.Create, null, [])], [], [], false);

    private static ProjectRunState Planned(ProjectDefinition d, PolicyOutcome? policy = null) =>
        new(d, ProjectRunStatus.Planned, Changes, "sha-" + d.Name, new PlanArtifactsRef("pf-" + d.Name, "pj", "pt", "log"), null) { Policy = policy ?? PolicyOutcome.Passed };

    private static RunState Run(params ProjectRunState[] projects) =>
        new(1, "head", RunStatus.Planned, null, false, null, null, null, projects);

    private static LockView Locks(params (string Key, int Pr)[] holders) => new(Pr, holders.ToDictionary(h => h.Key, h => h.Pr));

    private static Decision Approve(RunState s, Actor who, string? project = null, ApprovalSource source = ApprovalSource.Comment) =>
        RunWorkflow.Decide(s, new ApprovalSubmitted(who, source, project, null, Now, Facts));

    private static Decision Apply(RunState s, Actor? who = null, string? project = null, LockView? locks = null) =>
        RunWorkflow.Decide(s, new ApplyRequested(who ?? Writer, project, Facts, locks ?? Locks()));

    private static string Replies(Decision d) => string.Join("\n", d.Effects.OfType<PostReply>().Select(r => r.Body));

    [Fact]
    public void A_project_locked_by_another_pull_request_waits_in_its_queue_instead_of_planning()
    {
        var a = Project("a");
        var b = Project("b");
        var discovering = new RunState(1, "head", RunStatus.Discovering, null, false, null, null, null, []);
        var ev = new DiscoveryFinished(new DiscoveryOutcome(true, null, null, [a, b], ["a", "b"])) { Locks = Locks((LockKey.For(a), 3)) };

        var d = RunWorkflow.Decide(discovering, ev);

        var waiting = d.State.FindProject("a")!;
        Assert.Equal(ProjectRunStatus.WaitingForLock, waiting.Status);
        Assert.Equal(3, waiting.WaitingBehind);
        Assert.Equal(["a"], d.Effects.OfType<QueueForLock>().Select(q => q.Project.Name));
        Assert.Equal(["b"], d.Effects.OfType<EnqueuePlan>().Select(q => q.Project.Name));
        Assert.Equal(["b"], d.Effects.OfType<AcquireLock>().Select(q => q.Project.Name));
        Assert.Equal(RunStatus.Planning, d.State.Status);
    }

    [Fact]
    public void Locks_the_pull_request_no_longer_needs_are_released_on_a_new_push()
    {
        var a = Project("a");
        var discovering = new RunState(1, "head", RunStatus.Discovering, null, false, null, null, null, []);
        var ev = new DiscoveryFinished(new DiscoveryOutcome(true, null, null, [a, Project("b")], ["a"])) { Locks = Locks(("b::default", Pr), (LockKey.For(a), Pr)) };

        var d = RunWorkflow.Decide(discovering, ev);

        Assert.Equal(["b::default"], Assert.Single(d.Effects.OfType<ReleaseLocks>()).Keys!);
    }

    [Fact]
    public void Approval_by_a_writer_is_recorded_once_and_the_author_and_readers_are_refused()
    {
        var run = Run(Planned(Project("a")));

        var ok = Approve(run, Writer);
        Assert.Equal("alice", Assert.Single(ok.State.FindProject("a")!.Approvals).User);
        Assert.Contains("Approval by @alice recorded", Replies(ok));

        var again = Approve(ok.State, Writer);
        Assert.Single(again.State.FindProject("a")!.Approvals);
        Assert.Contains("already approved", Replies(again));

        var author = Approve(run, new Actor(Author, RepoPermission.Admin, []));
        Assert.Empty(author.State.FindProject("a")!.Approvals);
        Assert.Contains("author cannot approve", Replies(author));

        var reader = Approve(run, Reader);
        Assert.Empty(reader.State.FindProject("a")!.Approvals);
        Assert.Contains("not an eligible approver", Replies(reader));
    }

    [Fact]
    public void Listed_approvers_teams_and_code_owners_decide_who_may_approve()
    {
        var rule = new ApprovalRule(1, new PrincipalSet(["bob"], ["org/platform"]), CodeOwners: true, AllowAuthor: false);
        var project = Planned(Project("a", apply: ApplySettings.Default with { Approvals = rule })) with { CodeOwners = ["@carol", "@org/infra"] };
        var run = Run(project);

        Assert.Empty(Approve(run, Writer).State.FindProject("a")!.Approvals); // write permission is not enough here
        Assert.Single(Approve(run, new Actor("bob", RepoPermission.Read, [])).State.FindProject("a")!.Approvals);
        Assert.Single(Approve(run, new Actor("dave", RepoPermission.Read, ["org/platform"])).State.FindProject("a")!.Approvals);
        Assert.Single(Approve(run, new Actor("carol", RepoPermission.Write, [])).State.FindProject("a")!.Approvals);
        Assert.Single(Approve(run, new Actor("erin", RepoPermission.Write, ["org/infra"])).State.FindProject("a")!.Approvals);
    }

    [Fact]
    public void Apply_is_refused_until_approved_then_queued_once_with_the_approved_plan_hash()
    {
        var run = Run(Planned(Project("a")));

        var early = Apply(run);
        Assert.Empty(early.Effects.OfType<EnqueueApply>());
        Assert.Contains("needs 1 more approval", Replies(early));

        var approved = Approve(run, Writer).State;
        var go = Apply(approved);
        var job = Assert.Single(go.Effects.OfType<EnqueueApply>());
        Assert.Equal("sha-a", job.PlanSha256);
        Assert.Equal(ProjectRunStatus.Applying, go.State.FindProject("a")!.Status);

        var second = Apply(go.State, project: "a");
        Assert.Empty(second.Effects.OfType<EnqueueApply>());
        Assert.Contains("applied only once", Replies(second));
    }

    [Fact]
    public void Apply_needs_write_permission_and_a_current_head()
    {
        var approved = Approve(Run(Planned(Project("a"))), Writer).State;

        Assert.Contains("write permission", Replies(Apply(approved, Reader)));
        var moved = RunWorkflow.Decide(approved, new ApplyRequested(Writer, null, Facts with { HeadSha = "newer" }, Locks()));
        Assert.Empty(moved.Effects.OfType<EnqueueApply>());
        Assert.Contains("newer commits", Replies(moved));
    }

    [Fact]
    public void Mergeable_and_undiverged_requirements_use_the_facts_read_before_deciding()
    {
        var settings = ApplySettings.Default with { Requirements = [ApplyRequirement.Mergeable, ApplyRequirement.Undiverged] };
        var run = Run(Planned(Project("a", apply: settings)));

        var behind = RunWorkflow.Decide(run, new ApplyRequested(Writer, null, Facts with { Mergeable = false, Undiverged = false }, Locks()));
        Assert.Contains("not mergeable", Replies(behind));
        Assert.Contains("behind its base", Replies(behind));
        Assert.Single(Apply(run).Effects.OfType<EnqueueApply>()); // no approval needed with these requirements
    }

    [Fact]
    public void A_lock_held_by_another_pull_request_refuses_the_apply_and_joins_the_queue()
    {
        var settings = ApplySettings.Default with { Requirements = [], LockAt = LockTiming.Apply };
        var run = Run(Planned(Project("a", apply: settings)));

        var d = Apply(run, locks: Locks(("a::default", 9)));

        Assert.Empty(d.Effects.OfType<EnqueueApply>());
        Assert.Single(d.Effects.OfType<QueueForLock>());
        Assert.Contains("#9", Replies(d));
    }

    [Fact]
    public void Depends_on_orders_applies_and_a_failure_blocks_dependents()
    {
        var none = ApplySettings.Default with { Requirements = [] };
        var run = Run(Planned(Project("net", apply: none)), Planned(Project("app", ["net"], none)), Planned(Project("dns", ["app"], none)));

        var start = Apply(run);
        Assert.Equal(["net"], start.Effects.OfType<EnqueueApply>().Select(e => e.Project.Name));
        Assert.Equal(ProjectRunStatus.ApplyPending, start.State.FindProject("app")!.Status);

        var netDone = RunWorkflow.Decide(start.State, new ApplyFinished(new ApplyOutcome("net", true, false, "ok", null, null)));
        Assert.Equal(["app"], netDone.Effects.OfType<EnqueueApply>().Select(e => e.Project.Name));

        var appFailed = RunWorkflow.Decide(netDone.State, new ApplyFinished(new ApplyOutcome("app", false, false, null, null, "Error: quota")));
        Assert.Equal(ProjectRunStatus.ApplyFailed, appFailed.State.FindProject("app")!.Status);
        Assert.Equal(ProjectRunStatus.ApplyBlocked, appFailed.State.FindProject("dns")!.Status);
        Assert.Empty(appFailed.Effects.OfType<EnqueueApply>());
    }

    [Fact]
    public void Applying_a_dependent_alone_while_its_dependency_has_unapplied_changes_is_refused()
    {
        var none = ApplySettings.Default with { Requirements = [] };
        var run = Run(Planned(Project("net", apply: none)), Planned(Project("app", ["net"], none)));

        var d = Apply(run, project: "app");

        Assert.Empty(d.Effects.OfType<EnqueueApply>());
        Assert.Contains("apply `net` first", Replies(d));
    }

    [Fact]
    public void A_denying_policy_blocks_apply_until_a_policy_owner_overrides()
    {
        var settings = ApplySettings.Default with { Requirements = [ApplyRequirement.PoliciesPassed], PolicyOwners = new PrincipalSet(["sec"], []) };
        var deny = new PolicyOutcome([new PolicyViolation("no-kv-delete", "terraflow", PolicySeverity.Deny, "key vaults must not be deleted", ["azurerm_key_vault.main"], 0, PrincipalSet.Anyone)], null);
        var run = Run(Planned(Project("a", apply: settings), deny));

        Assert.Contains("denied by policy `no-kv-delete`", Replies(Apply(run)));

        var notOwner = RunWorkflow.Decide(run, new PolicyOverrideRequested(Writer, null, Now, Facts));
        Assert.Null(notOwner.State.FindProject("a")!.PolicyOverride);
        Assert.Contains("not a policy owner", Replies(notOwner));

        var owner = RunWorkflow.Decide(run, new PolicyOverrideRequested(new Actor("sec", RepoPermission.Read, []), null, Now, Facts));
        Assert.Equal("sec", owner.State.FindProject("a")!.PolicyOverride!.User);
        Assert.Single(Apply(owner.State).Effects.OfType<EnqueueApply>());
    }

    [Fact]
    public void A_require_approval_policy_needs_approvals_from_its_approvers()
    {
        var rule = new PolicyViolation("big-change", "terraflow", PolicySeverity.RequireApproval, "many changes", [], 1, new PrincipalSet([], ["org/sre"]));
        var settings = ApplySettings.Default with { Requirements = [ApplyRequirement.PoliciesPassed] };
        var run = Run(Planned(Project("a", apply: settings), new PolicyOutcome([rule], null)));

        Assert.Contains("policy `big-change` needs 1 more approval", Replies(Apply(run)));
        var sre = Approve(run, new Actor("sam", RepoPermission.Read, ["org/sre"])).State;
        Assert.Single(Apply(sre).Effects.OfType<EnqueueApply>());
    }

    [Fact]
    public void On_approval_projects_apply_as_soon_as_the_approval_completes_the_requirements()
    {
        var run = Run(Planned(Project("a", apply: ApplySettings.Default with { When = ApplyTrigger.OnApproval })));

        var d = Approve(run, Writer, source: ApprovalSource.Review);

        Assert.Single(d.Effects.OfType<EnqueueApply>());
        Assert.Equal(ProjectRunStatus.Applying, d.State.FindProject("a")!.Status);
    }

    [Fact]
    public void An_approval_link_for_another_plan_is_refused()
    {
        var run = Run(Planned(Project("a")));
        var d = RunWorkflow.Decide(run, new ApprovalSubmitted(Writer, ApprovalSource.Link, "a", "sha-of-an-older-plan", Now, Facts));
        Assert.Empty(d.State.FindProject("a")!.Approvals);
        Assert.Contains("plan changed", Replies(d));
    }

    [Fact]
    public void Merge_applies_on_merge_projects_and_warns_about_unapplied_ones()
    {
        var onMerge = Planned(Project("a", apply: ApplySettings.Default with { When = ApplyTrigger.OnMerge, Requirements = [] }));
        var manual = Planned(Project("b"));
        var d = RunWorkflow.Decide(Run(onMerge, manual), new PullRequestClosed(true) { By = "merger", Facts = Facts, Locks = Locks() });

        Assert.Equal(RunStatus.Closed, d.State.Status);
        Assert.True(d.State.Merged);
        Assert.Equal(["a"], d.Effects.OfType<EnqueueApply>().Select(e => e.Project.Name));
        Assert.Contains("`b`", Replies(d));
        Assert.Empty(d.Effects.OfType<ReleaseLocks>()); // kept until the on-merge apply ends

        var done = RunWorkflow.Decide(d.State, new ApplyFinished(new ApplyOutcome("a", true, false, null, null, null)));
        Assert.True(Assert.Single(done.Effects.OfType<ReleaseLocks>()).LeaveQueues);
    }

    [Fact]
    public void Close_releases_locks_and_leaves_queues()
    {
        var d = RunWorkflow.Decide(Run(Planned(Project("a"))), new PullRequestClosed(false) { By = "x", Locks = Locks() });
        var release = Assert.Single(d.Effects.OfType<ReleaseLocks>());
        Assert.Null(release.Keys);
        Assert.True(release.LeaveQueues);
        Assert.Empty(d.Effects.OfType<PostReply>());
    }

    [Fact]
    public void An_interrupted_apply_is_never_retried_and_tells_a_human_what_to_check()
    {
        var applying = Apply(Approve(Run(Planned(Project("a"))), Writer).State).State;

        var d = RunWorkflow.Decide(applying, new ApplyFinished(new ApplyOutcome("a", false, true, null, null, "runner lost")));

        Assert.Equal(ProjectRunStatus.ApplyInterrupted, d.State.FindProject("a")!.Status);
        Assert.Empty(d.Effects.OfType<EnqueueApply>());
        Assert.Contains("force-unlock", Replies(d));
        Assert.Contains("re-planned first", Replies(Apply(d.State, project: "a")));
    }

    [Fact]
    public void An_apply_result_is_recorded_even_after_the_run_was_superseded()
    {
        var applying = Apply(Approve(Run(Planned(Project("a"))), Writer).State).State;
        var superseded = RunWorkflow.Decide(applying, new RunSuperseded("newer")).State;

        var d = RunWorkflow.Decide(superseded, new ApplyFinished(new ApplyOutcome("a", true, false, null, null, null)));

        Assert.Equal(ProjectRunStatus.Applied, d.State.FindProject("a")!.Status);
    }

    [Fact]
    public void Unlock_needs_write_permission_and_names_a_known_project()
    {
        var run = Run(Planned(Project("a")));
        Assert.Contains("write permission", Replies(RunWorkflow.Decide(run, new UnlockRequested(Reader, null))));
        Assert.Contains("no project `zz`", Replies(RunWorkflow.Decide(run, new UnlockRequested(Writer, "zz"))));
        var ok = RunWorkflow.Decide(run, new UnlockRequested(Writer, "a"));
        Assert.Equal(["a::default"], Assert.Single(ok.Effects.OfType<ReleaseLocks>()).Keys!);
    }

    [Fact]
    public void Cancelling_a_queued_project_leaves_only_its_lock_queue_and_never_releases_a_lock()
    {
        var waiting = Run(Planned(Project("a")) with { Status = ProjectRunStatus.WaitingForLock, WaitingBehind = 7 }, Planned(Project("b")));

        var d = RunWorkflow.Decide(waiting, new QueueCancelRequested(Writer, "a"));

        Assert.Equal("dequeued", d.AuditAction);
        Assert.Equal(ProjectRunStatus.Cancelled, d.State.FindProject("a")!.Status);
        Assert.Null(d.State.FindProject("a")!.WaitingBehind);
        Assert.Equal(ProjectRunStatus.Planned, d.State.FindProject("b")!.Status);
        var leave = Assert.Single(d.Effects.OfType<ReleaseLocks>());
        Assert.Equal(["a::default"], leave.Keys!);
        Assert.True(leave.LeaveQueues);
        Assert.Contains("@alice took this pull request out of the queue for the lock of `a`", Replies(d));
        // Refusals change nothing and post nothing: the operator is answered by the console, not the pull request.
        foreach (var refused in new[]
                 {
                     RunWorkflow.Decide(waiting, new QueueCancelRequested(Reader, "a")),
                     RunWorkflow.Decide(waiting, new QueueCancelRequested(Writer, "b")),
                     RunWorkflow.Decide(waiting, new QueueCancelRequested(Writer, "zz")),
                 })
        {
            Assert.NotEqual("dequeued", refused.AuditAction);
            Assert.Empty(refused.Effects);
            Assert.Equal(waiting, refused.State);
        }
    }

    [Fact]
    public void A_runners_late_real_result_replaces_an_interrupted_the_host_reported_after_giving_up()
    {
        var applying = Apply(Approve(Run(Planned(Project("a"))), Writer).State).State;
        var gaveUp = RunWorkflow.Decide(applying, new ApplyFinished(new ApplyOutcome("a", false, true, null, null, "no result in time"))).State;

        var late = RunWorkflow.Decide(gaveUp, new ApplyFinished(new ApplyOutcome("a", true, false, "Apply complete!", null, null)));

        Assert.Equal(ProjectRunStatus.Applied, late.State.FindProject("a")!.Status);
        // A second "interrupted" for the same apply changes nothing.
        Assert.False(RunWorkflow.Decide(gaveUp, new ApplyFinished(new ApplyOutcome("a", false, true, null, null, "again"))).Changed);
    }
}
