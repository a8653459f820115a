using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>The job a runner gets for each step of a run: everything it needs travels in the spec, no database read.</summary>
public static class JobSpecs
{
    public static JobSpec Discover(RunContext c) => Spec(JobKinds.Discover, c, null);

    public static JobSpec Plan(RunContext c, EnqueuePlan plan) => Spec(JobKinds.Plan, c, plan.Project);

    /// <exception cref="InvalidOperationException">The run is not a pull request's: nothing else is ever applied.</exception>
    public static JobSpec Apply(RunContext c, EnqueueApply apply) =>
        c.Trigger != RunTrigger.PullRequest || c.PullRequestNumber <= 0
            ? throw new InvalidOperationException($"run {c.RunId} ({c.Trigger}) is not a pull request's; only pull requests' plans are applied")
            : Spec(JobKinds.Apply, c, apply.Project) with { PlanFile = apply.Artifacts.PlanFile, PlanSha256 = apply.PlanSha256 };

    private static JobSpec Spec(string kind, RunContext c, ProjectDefinition? project) =>
        new(kind, c.RunId, c.Repo.Owner, c.Repo.Name, c.Repo.InstallationId, c.CloneUrl, c.HeadSha, c.BaseSha, project, c.OperationId)
        {
            Provider = c.Provider, PullRequestNumber = c.PullRequestNumber, Untrusted = c.Untrusted,
        };
}
