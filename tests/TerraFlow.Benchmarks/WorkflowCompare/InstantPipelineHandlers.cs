using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// Instant jobs for the workflow comparison: discovery finds N projects chained by <c>depends_on</c> (project-2
/// after project-1, …), so one apply command applies them in order, one after another. Apply requirements are off:
/// the writer's <c>terraflow apply</c> comment is the approval event (TerraFlow still checks the commenter's write
/// permission with the VCS host). Each pull request works on its own stacks, so no plan waits for another's lock.
/// </summary>
public sealed class ChainedDiscoverHandler(int projectsPerPullRequest) : IJobHandler
{
    public string Kind => JobKinds.Discover;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var projects = Enumerable.Range(1, projectsPerPullRequest)
            .Select(i => new ProjectDefinition($"project-{i}", $"stacks/run{lease.Spec.RunId}/p{i}", "default", ["**/*.tf"], i == 1 ? [] : [$"project-{i - 1}"], true)
            {
                Apply = ApplySettings.Default with { Requirements = [] },
            })
            .ToList();
        var outcome = new DiscoveryOutcome(true, null, null, projects, projects.Select(p => p.Name).ToList());
        return Task.FromResult(new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Discover, outcome, null));
    }
}

/// <summary>A plan with one change, returned at once; its artifact keys name files nobody writes (nothing reads them but the comment, which does without).</summary>
public sealed class InstantPlanWithArtifactsHandler : IJobHandler
{
    private static readonly PlanSummary Plan = new("1.2", "1.9.8",
        [new ResourceChange("null_resource.a", null, "managed", "null_resource", "a", ChangeAction.Create, null, [])], [], [], false);

    public string Kind => JobKinds.Plan;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var name = lease.Spec.Project!.Name;
        var prefix = $"bench/{lease.Spec.RunId}/{name}/";
        var artifacts = new PlanArtifacts(prefix + "plan.tfplan", prefix + "plan.json", prefix + "plan.txt", prefix + "plan.log");
        var outcome = new PlanOutcome(name, true, Plan, new string('a', 64), artifacts, null);
        return Task.FromResult(new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Plan, null, outcome));
    }
}

public sealed class InstantApplyHandler : IJobHandler
{
    public string Kind => JobKinds.Apply;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var outcome = new ApplyOutcome(lease.Spec.Project!.Name, true, false, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.", null, null);
        return Task.FromResult(new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Apply, null, null) { Apply = outcome });
    }
}
