using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// The run state machine: pure functions from (state, event) to a <see cref="Decision"/>. No I/O here, so every
/// transition can be tested alone and replayed; the store applies a decision atomically.
/// </summary>
public static class RunWorkflow
{
    public static string StatusContext(string projectName) => $"terraflow/plan: {projectName}";

    public static Decision Decide(RunState state, RunEvent ev) => ev switch
    {
        _ when state.Status.IsTerminal() => Decision.Unchanged(state, $"run is {state.Status.ToString().ToLowerInvariant()}; {ev.GetType().Name} ignored"),
        DiscoveryFinished d => OnDiscovery(state, d.Outcome),
        PlanFinished p => OnPlan(state, p.Outcome),
        RunSuperseded s => OnSuperseded(state, s.NewHeadSha),
        PullRequestClosed c => OnClosed(state, c.Merged),
        _ => throw new ArgumentOutOfRangeException(nameof(ev), ev, "unknown run event"),
    };

    private static Decision OnDiscovery(RunState state, DiscoveryOutcome outcome)
    {
        if (state.Status != RunStatus.Discovering)
            return Decision.Unchanged(state, "discovery result arrived twice");

        if (!outcome.Succeeded)
        {
            var failed = state with { Status = RunStatus.Failed, ConfigError = outcome.ConfigError, FailureMessage = outcome.FailureMessage };
            return new Decision(failed, [new SyncComment()], "discovery-failed",
                outcome.ConfigError?.ToString() ?? outcome.FailureMessage ?? "discovery failed");
        }

        var selected = SelectProjects(state, outcome, out var unknownProject);
        if (unknownProject is not null)
        {
            var known = outcome.AllProjects.Count == 0 ? "none" : string.Join(", ", outcome.AllProjects.Select(p => p.Name));
            var failed = state with { Status = RunStatus.Failed, FailureMessage = $"There is no project named `{unknownProject}`. Projects: {known}." };
            return new Decision(failed, [new SyncComment()], "discovery-failed", failed.FailureMessage!);
        }
        if (selected.Count == 0)
            return new Decision(state with { Status = RunStatus.NoProjects }, [], "no-projects", "the pull request changes no Terraform project");

        var effects = new List<Effect>();
        var projects = new List<ProjectRunState>(selected.Count);
        foreach (var project in selected)
        {
            var plan = state.Explicit || project.Autoplan;
            projects.Add(new ProjectRunState(project, plan ? ProjectRunStatus.Queued : ProjectRunStatus.Skipped, null, null, null, null));
            if (!plan) continue;
            effects.Add(new EnqueuePlan(project));
            effects.Add(new SetCommitStatus(project.Name, CommitState.Pending, "Plan queued"));
        }
        var next = state with { Status = RunStatus.Planning, Projects = projects };
        if (projects.All(p => p.Status.IsFinal())) next = next with { Status = RunStatus.Planned };
        effects.Add(new SyncComment());
        return new Decision(next, effects, "discovered", $"projects: {string.Join(", ", selected.Select(p => p.Name))}");
    }

    private static List<ProjectDefinition> SelectProjects(RunState state, DiscoveryOutcome outcome, out string? unknownProject)
    {
        unknownProject = null;
        if (state.RequestedProject is { } wanted)
        {
            var match = outcome.AllProjects.FirstOrDefault(p => p.Name == wanted);
            if (match is null) unknownProject = wanted;
            return match is null ? [] : [match];
        }
        var affected = outcome.AffectedProjects.ToHashSet(StringComparer.Ordinal);
        return outcome.AllProjects.Where(p => affected.Contains(p.Name)).ToList();
    }

    private static Decision OnPlan(RunState state, PlanOutcome outcome)
    {
        var project = state.FindProject(outcome.ProjectName);
        if (project is null || project.Status is not (ProjectRunStatus.Queued or ProjectRunStatus.Running))
            return Decision.Unchanged(state, $"plan result for {outcome.ProjectName} does not match an open project run");

        var updated = outcome.Succeeded
            ? project with
            {
                Status = ProjectRunStatus.Planned,
                Plan = outcome.Summary,
                PlanFileSha256 = outcome.PlanFileSha256,
                Artifacts = outcome.Artifacts is { } a ? new PlanArtifactsRef(a.PlanFile, a.PlanJson, a.PlanText, a.Log) : null,
                Error = null,
            }
            : project with { Status = ProjectRunStatus.Failed, Error = outcome.Error, Artifacts = outcome.Artifacts is { } f ? new PlanArtifactsRef(f.PlanFile, f.PlanJson, f.PlanText, f.Log) : null };

        var projects = state.Projects.Select(p => p.Definition.Name == project.Definition.Name ? updated : p).ToList();
        var next = state with { Projects = projects };
        if (projects.All(p => p.Status.IsFinal())) next = next with { Status = RunStatus.Planned };

        var status = outcome.Succeeded
            ? new SetCommitStatus(project.Definition.Name, CommitState.Success, DescribePlan(outcome))
            : new SetCommitStatus(project.Definition.Name, CommitState.Failure, "Plan failed");
        return new Decision(next, [status, new SyncComment()], outcome.Succeeded ? "planned" : "plan-failed",
            $"{project.Definition.Name}: {status.Description}");
    }

    private static string DescribePlan(PlanOutcome outcome)
    {
        var c = outcome.Summary?.Counts;
        if (c is null || !c.HasChanges) return "No changes";
        return $"Plan: {c.Add} to add, {c.Change} to change, {c.Destroy} to destroy, {c.Replace} to replace";
    }

    private static Decision OnSuperseded(RunState state, string newHeadSha)
    {
        var projects = state.Projects
            .Select(p => p.Status is ProjectRunStatus.Queued or ProjectRunStatus.Running ? p with { Status = ProjectRunStatus.Cancelled } : p)
            .ToList();
        var next = state with { Status = RunStatus.Superseded, SupersededBySha = newHeadSha, Projects = projects };
        // No comment exists for a run that never got past discovery, and none is wanted.
        var hadComment = state.Status != RunStatus.Discovering || state.Projects.Count > 0;
        Effect[] effects = hadComment ? [new CancelJobs(), new SyncComment()] : [new CancelJobs()];
        return new Decision(next, effects, "superseded", $"superseded by {newHeadSha}");
    }

    private static Decision OnClosed(RunState state, bool merged)
    {
        var projects = state.Projects
            .Select(p => p.Status is ProjectRunStatus.Queued or ProjectRunStatus.Running ? p with { Status = ProjectRunStatus.Cancelled } : p)
            .ToList();
        var next = state with { Status = RunStatus.Closed, Projects = projects };
        var effects = new List<Effect> { new CancelJobs() };
        if (state.Status == RunStatus.Planning) effects.Add(new SyncComment()); // its comment must not stay "in progress"
        return new Decision(next, effects, merged ? "merged" : "closed", merged ? "pull request merged" : "pull request closed");
    }
}
