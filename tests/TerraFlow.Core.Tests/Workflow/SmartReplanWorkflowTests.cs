using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Core.Tests.Workflow;

/// <summary>
/// Smart re-plans (<see cref="CarriedPlans"/>): an unchanged project keeps its earlier plan only when its fingerprint
/// and base commit are equal, nobody asked for a plan, and that plan succeeded and was not applied.
/// </summary>
public class SmartReplanWorkflowTests
{
    private const string Base = "base1";
    private const string OldHead = "0123456789abcdef";

    private static readonly ProjectDefinition A = new("a", "a", "default", ["**/*.tf"], [], true);
    private static readonly ProjectDefinition B = new("b", "b", "default", ["**/*.tf"], [], true);

    private static readonly PlanSummary Changes = new("1.2", "1.11.4",
        [new ResourceChange("terraform_data.x", null, "managed", "terraform_data", "x", ChangeAction.Create, null, [])], [], [], false);

    private static RunState Discovering(bool isExplicit = false) =>
        new(2, "newhead", RunStatus.Discovering, null, isExplicit, null, null, null, []);

    private static DiscoveryOutcome Found(string fingerprintA, string fingerprintB, string baseSha = Base) =>
        new(true, null, null, [A, B], ["a", "b"]) { Fingerprints = new Dictionary<string, string> { ["a"] = fingerprintA, ["b"] = fingerprintB }, BaseSha = baseSha };

    /// <summary>What the previous run stored for a project: a successful plan of the given fingerprint and base.</summary>
    private static PreviousPlan Planned(ProjectDefinition project, string fingerprint, string baseSha = Base, ProjectRunStatus status = ProjectRunStatus.Planned) =>
        new(new ProjectRunState(project, status, Changes, "sha-" + project.Name, new PlanArtifactsRef("pf-" + project.Name, "pj", "pt", "log"), null)
            { Inputs = new PlanInputs(fingerprint, baseSha) }, OldHead, Untrusted: false);

    private static Decision Decide(RunState state, DiscoveryOutcome outcome, params PreviousPlan[] previous) =>
        RunWorkflow.Decide(state, new DiscoveryFinished(outcome) { PreviousPlans = previous.ToDictionary(p => p.Project.Definition.Name) });

    [Fact]
    public void An_unchanged_project_keeps_its_plan_and_only_the_changed_one_is_planned()
    {
        var d = Decide(Discovering(), Found("fa-new", "fb"), Planned(A, "fa-old"), Planned(B, "fb"));

        Assert.Equal(["a"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
        var b = d.State.FindProject("b")!;
        Assert.Equal(ProjectRunStatus.Planned, b.Status);
        // The very plan file and hash of the earlier plan: that is what an approval and the apply bind to.
        Assert.Equal("sha-b", b.PlanFileSha256);
        Assert.Equal("pf-b", b.Artifacts!.PlanFile);
        Assert.Equal(OldHead, b.UnchangedSince);
        var status = Assert.Single(d.Effects.OfType<SetCommitStatus>(), s => s.ProjectName == "b");
        Assert.Equal(CommitState.Success, status.State);
        Assert.Contains("unchanged since 0123456", status.Description);
        Assert.Equal(ProjectRunStatus.Queued, d.State.FindProject("a")!.Status);
        Assert.Equal(RunStatus.Planning, d.State.Status);
    }

    [Fact]
    public void All_projects_unchanged_ends_planning_at_once()
    {
        var d = Decide(Discovering(), Found("fa", "fb"), Planned(A, "fa"), Planned(B, "fb"));

        Assert.Empty(d.Effects.OfType<EnqueuePlan>());
        Assert.Equal(RunStatus.Planned, d.State.Status);
        Assert.Single(d.Effects.OfType<SyncComment>());
    }

    [Fact]
    public void A_differing_fingerprint_plans_again()
    {
        var d = Decide(Discovering(), Found("fa", "fb-changed"), Planned(A, "fa"), Planned(B, "fb"));

        Assert.Equal(["b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
        Assert.Null(d.State.FindProject("b")!.UnchangedSince);
    }

    [Fact]
    public void A_moved_base_branch_plans_every_project_again()
    {
        var d = Decide(Discovering(), Found("fa", "fb", baseSha: "base2"), Planned(A, "fa"), Planned(B, "fb"));

        Assert.Equal(["a", "b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
    }

    [Fact]
    public void A_terraflow_plan_comment_plans_again_even_when_nothing_changed()
    {
        var d = Decide(Discovering(isExplicit: true), Found("fa", "fb"), Planned(A, "fa"), Planned(B, "fb"));

        Assert.Equal(["a", "b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
    }

    [Theory]
    [InlineData(ProjectRunStatus.Failed)]
    [InlineData(ProjectRunStatus.Cancelled)]
    [InlineData(ProjectRunStatus.Applied)]
    public void Only_a_successful_unapplied_plan_is_carried(ProjectRunStatus previousStatus)
    {
        var d = Decide(Discovering(), Found("fa", "fb"), Planned(A, "fa"), Planned(B, "fb", status: previousStatus));

        Assert.Equal(["b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
    }

    [Fact]
    public void A_plan_whose_apply_was_requested_is_not_carried()
    {
        var applied = Planned(B, "fb");
        applied = applied with { Project = applied.Project with { Apply = new ApplyRecord("alice", "sha-b", null, null, null) } };

        var d = Decide(Discovering(), Found("fa", "fb"), Planned(A, "fa"), applied);

        Assert.Equal(["b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
    }

    [Fact]
    public void Without_a_fingerprint_or_base_nothing_is_carried()
    {
        var noFingerprint = new DiscoveryOutcome(true, null, null, [A, B], ["a", "b"]) { BaseSha = Base };
        var noBase = Found("fa", "fb") with { BaseSha = null };

        foreach (var outcome in new[] { noFingerprint, noBase })
            Assert.Equal(2, Decide(Discovering(), outcome, Planned(A, "fa"), Planned(B, "fb")).Effects.OfType<EnqueuePlan>().Count());
    }

    [Fact]
    public void A_plan_made_without_credentials_is_not_carried_into_a_trusted_run()
    {
        var untrusted = Planned(B, "fb") with { Untrusted = true };

        var d = Decide(Discovering(), Found("fa", "fb"), Planned(A, "fa"), untrusted);

        Assert.Equal(["b"], d.Effects.OfType<EnqueuePlan>().Select(e => e.Project.Name));
    }

    [Fact]
    public void A_plan_carried_twice_still_names_the_commit_it_was_planned_at()
    {
        var carried = Planned(B, "fb");
        carried = carried with { HeadSha = "second", Project = carried.Project with { UnchangedSince = OldHead } };

        var d = Decide(Discovering(), Found("fa", "fb"), Planned(A, "fa"), carried);

        Assert.Equal(OldHead, d.State.FindProject("b")!.UnchangedSince);
    }
}
