using TerraFlow.Core.Jobs;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Benchmarks.Load;

/// <summary>
/// The "instant Terraform" of the load test: discovery finds a fixed set of projects and every plan returns at once
/// with a small canned plan. What remains measured is TerraFlow itself: intake, workflow transactions, the queue,
/// result handling and the outbox to the GitHub API stand-in.
/// </summary>
public sealed class InstantDiscoverHandler(int projectsPerPullRequest) : IJobHandler
{
    public string Kind => JobKinds.Discover;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        // Each pull request works on its own stacks (as in a monorepo where teams touch different stacks): every plan
        // takes its project lock, and no pull request waits in another's lock queue.
        var projects = Enumerable.Range(1, projectsPerPullRequest)
            .Select(i => new ProjectDefinition($"project-{i}", $"stacks/run{lease.Spec.RunId}/p{i}", "default", ["**/*.tf"], [], true))
            .ToList();
        var outcome = new DiscoveryOutcome(true, null, null, projects, projects.Select(p => p.Name).ToList());
        return Task.FromResult(new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Discover, outcome, null));
    }
}

public sealed class InstantPlanHandler : IJobHandler
{
    private static readonly PlanSummary Plan = new("1.2", "1.9.8",
        [new ResourceChange("null_resource.a", null, "managed", "null_resource", "a", ChangeAction.Create, null, [])], [], [], false);

    public string Kind => JobKinds.Plan;

    public Task<JobResult> ExecuteAsync(JobLease lease, SecretMasker masker, CancellationToken ct)
    {
        var outcome = new PlanOutcome(lease.Spec.Project!.Name, true, Plan, new string('a', 64), null, null);
        return Task.FromResult(new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Plan, null, outcome));
    }
}
