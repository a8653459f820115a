using TerraFlow.Core.Comments;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

/// <summary>
/// Who may make TerraFlow run a pull request's code (issue 9, attack 1), stale comment approvals (attack 7), and
/// what the decider does with untrusted runs.
/// </summary>
public class PullRequestTrustTests
{
    private const string Head = "0123456789abcdef0123456789abcdef01234567";
    private static readonly Participant Writer = new("alice", RepoPermission.Write);
    private static readonly Participant Reader = new("rita", RepoPermission.Read);
    private static readonly Participant Stranger = new("mallory", RepoPermission.None);

    private static TrustDecision Decide(bool fork, Participant[] people, bool authorized = false, ForkPlanMode mode = ForkPlanMode.Authorize) =>
        PullRequestTrust.Decide(fork, people, authorized, mode, Head);

    [Fact]
    public void Writers_on_the_repository_itself_are_trusted_in_both_modes()
    {
        Assert.Equal(TrustVerdict.Trusted, Decide(false, [Writer]).Verdict);
        Assert.Equal(TrustVerdict.Trusted, Decide(false, [Writer, new Participant("max", RepoPermission.Maintain)], mode: ForkPlanMode.Restricted).Verdict);
        Assert.Null(Decide(false, [Writer]).Reason);
    }

    [Fact]
    public void A_fork_waits_for_authorization_even_when_its_author_has_write_access()
    {
        var d = Decide(true, [Writer]);
        Assert.Equal(TrustVerdict.NeedsAuthorization, d.Verdict);
        Assert.StartsWith("The plan did not start: this pull request comes from a fork.", d.Reason);
        Assert.Contains("comment `terraflow plan`", d.Reason);
        Assert.Contains("`" + Head[..12] + "`", d.Reason);
        Assert.Contains("every new push needs a new `terraflow plan`", d.Reason);
    }

    [Fact]
    public void An_author_or_pusher_without_write_access_is_treated_like_a_fork()
    {
        var reader = Decide(false, [Reader]);
        Assert.Equal(TrustVerdict.NeedsAuthorization, reader.Verdict);
        Assert.Contains("@rita has read access on this repository", reader.Reason);

        var pushedByStranger = Decide(false, [Writer, Stranger]);
        Assert.Equal(TrustVerdict.NeedsAuthorization, pushedByStranger.Verdict);
        Assert.Contains("@mallory has no access", pushedByStranger.Reason);
        Assert.DoesNotContain("@alice", pushedByStranger.Reason);
    }

    [Fact]
    public void An_authorized_head_is_trusted_but_only_in_authorize_mode()
    {
        Assert.Equal(TrustVerdict.Trusted, Decide(true, [Stranger], authorized: true).Verdict);
        // Restricted mode never hands credentials to a fork, whoever asked.
        var restricted = Decide(true, [Stranger], authorized: true, mode: ForkPlanMode.Restricted);
        Assert.Equal(TrustVerdict.Restricted, restricted.Verdict);
        Assert.Contains("without any credentials", restricted.Reason);
        Assert.Equal(TrustVerdict.Restricted, Decide(false, [Reader], mode: ForkPlanMode.Restricted).Verdict);
    }

    private static readonly ProjectDefinition ProjectA = new("a", "a", "default", ["**/*.tf"], [], true)
    {
        Apply = ApplySettings.Default with { When = ApplyTrigger.OnApproval, Requirements = [ApplyRequirement.Approved] },
    };

    private static readonly PlanSummary Changes = new("1.2", "1.9.8",
        [new ResourceChange("x.y", null, "managed", "x", "y", ChangeAction.Create, null, [])], [], [], false);

    private static readonly DateTimeOffset PlannedAt = new(2026, 12, 6, 10, 0, 0, 400, TimeSpan.Zero);

    private static RunState Planned(bool untrusted = false) =>
        new(1, Head, RunStatus.Planned, null, false, null, null, null,
            [new ProjectRunState(ProjectA, ProjectRunStatus.Planned, Changes, "sha-a", new PlanArtifactsRef("pf", "pj", "pt", "log"), null)])
        {
            Untrusted = untrusted,
            PlannedAt = PlannedAt,
        };

    private static readonly PullRequestFacts Facts = new(Head, "author", true, true);
    private static readonly Actor Approver = new("alice", RepoPermission.Write, []);

    private static Decision ApproveWrittenAt(RunState s, DateTimeOffset? written) =>
        RunWorkflow.Decide(s, new ApprovalSubmitted(Approver, ApprovalSource.Comment, null, null, PlannedAt.AddMinutes(5), Facts) { WrittenAt = written });

    private static string Replies(Decision d) => string.Join("\n", d.Effects.OfType<PostReply>().Select(r => r.Body));

    [Fact]
    public void An_approve_comment_written_before_the_current_plan_was_posted_is_refused()
    {
        var stale = ApproveWrittenAt(Planned(), PlannedAt.AddSeconds(-3));
        Assert.Empty(stale.State.FindProject("a")!.Approvals);
        Assert.Contains("the plan changed after your comment", Replies(stale));
        Assert.Empty(stale.Effects.OfType<EnqueueApply>());

        // Hosts give whole seconds: a comment in the second the plan was posted counts; one without a time is not refused.
        Assert.Single(ApproveWrittenAt(Planned(), new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero)).State.FindProject("a")!.Approvals);
        Assert.Single(ApproveWrittenAt(Planned(), null).State.FindProject("a")!.Approvals);
    }

    [Fact]
    public void An_untrusted_run_is_never_applied_by_approval_or_command()
    {
        var approved = ApproveWrittenAt(Planned(untrusted: true), PlannedAt.AddSeconds(2));
        Assert.Single(approved.State.FindProject("a")!.Approvals);
        Assert.Empty(approved.Effects.OfType<EnqueueApply>()); // on_approval does not fire

        var apply = RunWorkflow.Decide(approved.State, new ApplyRequested(Approver, null, Facts, LockView.Empty));
        Assert.Empty(apply.Effects.OfType<EnqueueApply>());
        Assert.Contains("TerraFlow never applies such a plan", Replies(apply));

        // apply: on_merge with no requirements would apply at merge; not an untrusted plan.
        var onMerge = new ProjectRunState(ProjectA with { Apply = ProjectA.Apply with { When = ApplyTrigger.OnMerge, Requirements = [] } },
            ProjectRunStatus.Planned, Changes, "sha-a", new PlanArtifactsRef("pf", "pj", "pt", "log"), null);
        var mergeRun = Planned(untrusted: true) with { Projects = [onMerge] };
        var closed = new PullRequestClosed(true) { Facts = Facts, By = "alice" };
        Assert.Empty(RunWorkflow.Decide(mergeRun, closed).Effects.OfType<EnqueueApply>());
        Assert.NotEmpty(RunWorkflow.Decide(mergeRun with { Untrusted = false }, closed).Effects.OfType<EnqueueApply>());

        // The same run, trusted, applies on approval: the flag is what stops it.
        Assert.NotEmpty(ApproveWrittenAt(Planned(), PlannedAt.AddSeconds(2)).Effects.OfType<EnqueueApply>());
    }

    [Fact]
    public void A_run_waiting_for_authorization_says_why_and_a_new_push_clears_the_reason()
    {
        var discovering = new RunState(1, Head, RunStatus.Discovering, null, false, null, null, null, []);
        var reason = Decide(true, [Stranger]).Reason!;
        var waiting = RunWorkflow.Decide(discovering, new AuthorizationRequired(reason));
        Assert.Equal(RunStatus.AwaitingAuthorization, waiting.State.Status);
        Assert.Single(waiting.Effects.OfType<SyncComment>());

        var body = RunCommentRenderer.Render(new RunView(1, Head, waiting.State.Status, null, null, waiting.State.FailureMessage, [], null))[0];
        Assert.Contains("Waiting for a maintainer", body);
        Assert.Contains("The plan did not start: this pull request comes from a fork", body);
        Assert.DoesNotContain("failed", body, StringComparison.OrdinalIgnoreCase);

        var superseded = RunWorkflow.Decide(waiting.State, new RunSuperseded("newsha"));
        Assert.Equal(RunStatus.Superseded, superseded.State.Status);
        Assert.Null(superseded.State.FailureMessage);
        Assert.Contains(RunStatus.AwaitingAuthorization, StatusExtensions.Open);
    }
}
