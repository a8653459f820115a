using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
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

    public static string StatusContext(string projectName, StatusKind kind) => kind switch
    {
        StatusKind.Policy => $"terraflow/policy: {projectName}",
        StatusKind.Apply => $"terraflow/apply: {projectName}",
        _ => StatusContext(projectName),
    };

    /// <summary>
    /// The answer when the store already holds an apply of these projects' plans (its one-apply-per-plan key refused the
    /// decision that started them): nothing changes, the person who asked is told, as for a project already applied.
    /// </summary>
    public static Decision RefuseApplyAgain(RunState state, IReadOnlyList<string> projects) =>
        Decisions.Refuse(state, "apply", projects.Select(ApplyDecisions.AlreadyApplied).ToList());

    public static Decision Decide(RunState state, RunEvent ev)
    {
        var decision = DecideCore(state, ev);
        // The reason a run waited for authorization is no failure: once it is superseded or closed, it is not shown.
        return state.Status == RunStatus.AwaitingAuthorization && decision.State.Status != RunStatus.AwaitingAuthorization
            ? decision with { State = decision.State with { FailureMessage = null } }
            : decision;
    }

    private static Decision DecideCore(RunState state, RunEvent ev) => ev switch
    {
        // An apply result is always recorded, even for a run closed or superseded while Terraform ran.
        ApplyFinished a => ApplyDecisions.OnFinished(state, a.Outcome),
        UnlockRequested u => PullRequestEndDecisions.OnUnlock(state, u),
        QueueCancelRequested q => QueueCancelDecisions.OnCancel(state, q),
        ApprovalSubmitted or ApplyRequested or PolicyOverrideRequested when state.Status.IsTerminal() =>
            Decisions.Refuse(state, ev.GetType().Name, $"the run is {ApplyDecisions.StatusWord(state.Status)}", reply: ev is not ApprovalSubmitted { Source: ApprovalSource.Review }),
        _ when state.Status.IsTerminal() => Decision.Unchanged(state, $"run is {state.Status.ToString().ToLowerInvariant()}; {ev.GetType().Name} ignored"),
        AuthorizationRequired r => OnAuthorizationRequired(state, r.Reason),
        DiscoveryFinished d => OnDiscovery(state, d.Outcome, d.Locks, d.PreviousPlans),
        PlanFinished p => OnPlan(state, p.Outcome),
        RunSuperseded s => OnSuperseded(state, s.NewHeadSha),
        PullRequestClosed c => PullRequestEndDecisions.OnClosed(state, c),
        ApprovalSubmitted a => ApprovalDecisions.OnApproval(state, a),
        ApplyRequested r => ApplyDecisions.OnRequested(state, r),
        PolicyOverrideRequested o => ApprovalDecisions.OnPolicyOverride(state, o, o.Facts, o.Locks),
        _ => throw new ArgumentOutOfRangeException(nameof(ev), ev, "unknown run event"),
    };

    private static Decision OnAuthorizationRequired(RunState state, string reason)
    {
        if (state.Status != RunStatus.Discovering)
            return Decision.Unchanged(state, "authorization check arrived after the run started");
        var waiting = state with { Status = RunStatus.AwaitingAuthorization, FailureMessage = reason };
        return new Decision(waiting, [new SyncComment()], "awaiting-authorization", reason);
    }

    private static Decision OnDiscovery(RunState state, DiscoveryOutcome outcome, LockView locks, IReadOnlyDictionary<string, PreviousPlan> previousPlans)
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
            return new Decision(state with { Status = RunStatus.NoProjects, RuleNotice = outcome.RuleNotice }, [], "no-projects", "the pull request changes no Terraform project");

        var effects = new List<Effect>();
        var projects = new List<ProjectRunState>(selected.Count);
        foreach (var project in selected)
        {
            var plan = state.Explicit || project.Autoplan;
            var codeOwners = outcome.CodeOwners.TryGetValue(project.Name, out var owners) ? owners : [];
            var run = new ProjectRunState(project, plan ? ProjectRunStatus.Queued : ProjectRunStatus.Skipped, null, null, null, null)
            {
                CodeOwners = codeOwners,
                Inputs = outcome.Fingerprints.TryGetValue(project.Name, out var fingerprint) && outcome.BaseSha is { Length: > 0 } baseSha
                    ? new PlanInputs(fingerprint, baseSha) : null,
            };
            if (plan && project.Apply.LockAt == LockTiming.Plan)
            {
                if (locks.HeldByOther(LockKey.For(project)) is { } holder)
                {
                    // FIFO: the pull request waits in the lock's queue and is re-planned when the lock reaches it.
                    projects.Add(run with { Status = ProjectRunStatus.WaitingForLock, WaitingBehind = holder });
                    effects.Add(new QueueForLock(project));
                    effects.Add(new SetCommitStatus(project.Name, CommitState.Pending, $"Waiting for the lock held by #{holder}"));
                    continue;
                }
                effects.Add(new AcquireLock(project));
            }
            if (plan && CarriedPlans.CarryForward(state, run, previousPlans.GetValueOrDefault(project.Name)) is { } carried)
            {
                // Inputs unchanged since an earlier push: its plan is this run's result, no plan job.
                projects.Add(carried);
                effects.AddRange(PlanStatuses(carried, succeeded: true));
                continue;
            }
            projects.Add(run);
            if (!plan) continue;
            effects.Add(new EnqueuePlan(project));
            effects.Add(new SetCommitStatus(project.Name, CommitState.Pending, "Plan queued"));
        }
        if (state.RequestedProject is null)
        {
            // Locks this pull request took for projects its new commits no longer touch are released.
            var wanted = selected.Select(LockKey.For).ToHashSet(StringComparer.Ordinal);
            var stale = locks.HeldByUs.Where(k => !wanted.Contains(k)).ToList();
            if (stale.Count > 0) effects.Add(new ReleaseLocks(stale));
        }
        var next = state with { Status = RunStatus.Planning, Projects = projects, RuleNotice = outcome.RuleNotice };
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
                Policy = outcome.Policy,
                StepOutputs = outcome.StepOutputs,
            }
            : project with { Status = ProjectRunStatus.Failed, Error = outcome.Error, StepOutputs = outcome.StepOutputs, Artifacts = outcome.Artifacts is { } f ? new PlanArtifactsRef(f.PlanFile, f.PlanJson, f.PlanText, f.Log) : null };

        var projects = state.Projects.Select(p => p.Definition.Name == project.Definition.Name ? updated : p).ToList();
        var next = state with { Projects = projects };
        if (projects.All(p => p.Status.IsFinal())) next = next with { Status = RunStatus.Planned };

        var effects = PlanStatuses(updated, outcome.Succeeded);
        effects.Add(new SyncComment());
        return new Decision(next, effects, outcome.Succeeded ? "planned" : "plan-failed",
            $"{project.Definition.Name}: {((SetCommitStatus)effects[0]).Description}");
    }

    /// <summary>The plan's commit status, and its policy status for projects that have policies.</summary>
    private static List<Effect> PlanStatuses(ProjectRunState project, bool succeeded)
    {
        var name = project.Definition.Name;
        var describe = DescribePlan(project.Plan) + (project.UnchangedSince is { } since ? $" (unchanged since {ShortSha(since)})" : "");
        var effects = new List<Effect> { succeeded ? new SetCommitStatus(name, CommitState.Success, describe) : new SetCommitStatus(name, CommitState.Failure, "Plan failed") };
        // A policy status only for projects that have policies: a "passed" status for nothing checked is noise.
        var hasPolicies = project.Definition.Policies.Count > 0 || project.Definition.PolicyPaths.Count > 0;
        if (succeeded && project.Policy is { } policy && hasPolicies) effects.Add(PolicyStatus(name, policy));
        return effects;
    }

    internal static string ShortSha(string sha) => sha.Length > 7 ? sha[..7] : sha;

    private static SetCommitStatus PolicyStatus(string project, Policies.PolicyOutcome policy)
    {
        var (state, text) = policy switch
        {
            { Error: { } error } => (CommitState.Failure, "Policies could not be evaluated: " + error),
            { Denied: true } => (CommitState.Failure, "Denied: " + string.Join(", ", policy.Violations.Where(v => v.Severity == Policies.PolicySeverity.Deny).Select(v => v.Rule).Distinct())),
            _ when policy.ApprovalRules.Any() => (CommitState.Pending, "Needs approval: " + string.Join(", ", policy.ApprovalRules.Select(v => v.Rule).Distinct())),
            { Violations.Count: > 0 } => (CommitState.Success, $"Passed with {policy.Violations.Count} warning(s)"),
            _ => (CommitState.Success, "Passed"),
        };
        return new SetCommitStatus(project, state, text) { Kind = StatusKind.Policy };
    }

    private static string DescribePlan(Plans.PlanSummary? summary)
    {
        var c = summary?.Counts;
        if (c is null || !c.HasChanges) return "No changes";
        // Imports and moves too: a plan with only those must not read as "0 to add, 0 to change" on the commit.
        return $"Plan: {c.Add} to add, {c.Change} to change, {c.Destroy} to destroy, {c.Replace} to replace"
            + (c.Import > 0 ? $", {c.Import} to import" : "") + (c.Move > 0 ? $", {c.Move} to move" : "");
    }

    private static Decision OnSuperseded(RunState state, string newHeadSha)
    {
        // A running apply finishes (its result is still recorded); applies waiting on dependencies do not start.
        var projects = state.Projects
            .Select(p => p.Status is ProjectRunStatus.Queued or ProjectRunStatus.Running or ProjectRunStatus.ApplyPending ? p with { Status = ProjectRunStatus.Cancelled } : p)
            .ToList();
        var next = state with { Status = RunStatus.Superseded, SupersededBySha = newHeadSha, Projects = projects };
        // No comment exists for a run that never got past discovery, and none is wanted.
        var hadComment = state.Status != RunStatus.Discovering || state.Projects.Count > 0;
        Effect[] effects = hadComment ? [new CancelJobs(), new SyncComment()] : [new CancelJobs()];
        return new Decision(next, effects, "superseded", $"superseded by {newHeadSha}");
    }
}
