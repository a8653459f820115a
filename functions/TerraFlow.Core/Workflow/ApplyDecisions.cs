using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// Starting applies (by command, after approval, on merge) and recording their results. A project's plan is applied
/// at most once: only a <see cref="ProjectRunStatus.Planned"/> project can start, and starting moves it on for good.
/// <c>depends_on</c> orders applies: a dependent started with or after its dependency waits (<see cref="ProjectRunStatus.ApplyPending"/>)
/// until the dependency has applied, whatever started each of them (command, approval, merge); a failure blocks its dependents.
/// </summary>
internal static class ApplyDecisions
{
    public static Decision OnRequested(RunState state, ApplyRequested ev)
    {
        const string action = "apply";
        if (ev.By.Permission < RepoPermission.Write)
            return Decisions.Refuse(state, action, $"@{ev.By.Login} needs write permission on the repository to apply");
        if (state.Status != RunStatus.Planned)
            return Decisions.Refuse(state, action, $"the run is {StatusWord(state.Status)}; wait for the plan to finish");

        List<ProjectRunState> targets;
        if (ev.Project is { } name)
        {
            var p = state.FindProject(name);
            if (p is null) return Decisions.Refuse(state, action, $"this pull request's plan has no project `{name}`");
            if (WhyNotApplicable(p) is { } why) return Decisions.Refuse(state, action, why);
            targets = [p];
        }
        else
        {
            targets = state.Projects.Where(p => p.Status == ProjectRunStatus.Planned && Decisions.HasChanges(p)).ToList();
            if (targets.Count == 0)
            {
                var done = state.Projects.Any(p => p.Status is ProjectRunStatus.Applied or ProjectRunStatus.Applying or ProjectRunStatus.ApplyPending);
                return Decisions.Refuse(state, action, done ? "every plan of this run was already applied or is being applied; a plan is applied only once" : "there are no planned changes to apply");
            }
        }

        var problems = Problems(state, targets, ev.Facts, ev.Locks, merged: false);
        if (problems.Count > 0)
        {
            // A project locked by another pull request joins that lock's queue, so it is re-planned when the lock frees.
            var queue = targets.Where(t => ev.Locks.HeldByOther(LockKey.For(t.Definition)) is not null).Select(t => new QueueForLock(t.Definition));
            return Decisions.Refuse(state, action, problems, extra: queue);
        }
        return Start(state, WithApprovedDependents(state, targets, ev.Facts, ev.Locks, merged: false), ev.By.Login, "apply-started", reply: true);
    }

    /// <summary>
    /// <paramref name="starting"/> plus the <c>apply: on_approval</c> projects that depend on them (directly or through
    /// each other) and were held back only because a dependency had unapplied changes: their approval already happened,
    /// so they now wait for the dependency and apply after it. Without this they would stay planned for ever.
    /// </summary>
    public static List<ProjectRunState> WithApprovedDependents(RunState state, IReadOnlyList<ProjectRunState> starting, PullRequestFacts facts, LockView locks, bool merged)
    {
        var all = new List<ProjectRunState>(starting);
        var names = starting.Select(t => t.Definition.Name).ToHashSet(StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            var joining = state.Projects
                .Where(p => p.Definition.Apply.When == ApplyTrigger.OnApproval && p.Status == ProjectRunStatus.Planned && Decisions.HasChanges(p))
                .Where(p => !names.Contains(p.Definition.Name) && p.Definition.DependsOn.Any(names.Contains))
                .Where(p => Problems(state, [p], facts, locks, merged, startingFirst: names).Count == 0)
                .ToList();
            foreach (var p in joining)
            {
                all.Add(p);
                names.Add(p.Definition.Name);
                grew = true;
            }
        }
        while (grew);
        return all;
    }

    public const string UntrustedApply =
        "this pull request comes from a fork or an author without write access and was planned without credentials " +
        "(`TerraFlow__PullRequests__ForkPlans=restricted`); TerraFlow never applies such a plan. Merge it and apply from a trusted pull request";

    /// <summary>The refusal of a second apply of <paramref name="project"/>'s plan.</summary>
    public static string AlreadyApplied(string project) =>
        $"`{project}` was already applied or is being applied; a plan is applied only once (push or comment `terraflow plan` for a new plan)";

    /// <summary>Why the project's plan cannot be applied at all (whatever the requirements), or null.</summary>
    public static string? WhyNotApplicable(ProjectRunState p) => p.Status switch
    {
        ProjectRunStatus.Planned when !Decisions.HasChanges(p) => $"`{p.Definition.Name}` has no changes to apply",
        ProjectRunStatus.Planned => null,
        ProjectRunStatus.Applied or ProjectRunStatus.Applying or ProjectRunStatus.ApplyPending => AlreadyApplied(p.Definition.Name),
        ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyInterrupted or ProjectRunStatus.ApplyBlocked =>
            $"`{p.Definition.Name}` must be re-planned first (`terraflow plan -p {p.Definition.Name}`)",
        ProjectRunStatus.WaitingForLock => $"`{p.Definition.Name}` waits for the lock held by #{p.WaitingBehind}",
        _ => $"`{p.Definition.Name}` has no successful plan to apply",
    };

    /// <summary>Everything that stops <paramref name="targets"/> from being applied now, per project, in words.</summary>
    /// <param name="startingFirst">Projects whose applies start in the same decision, so dependents may wait for them.</param>
    public static List<string> Problems(RunState state, IReadOnlyList<ProjectRunState> targets, PullRequestFacts facts, LockView locks, bool merged,
        IReadOnlySet<string>? startingFirst = null)
    {
        var names = targets.Select(t => t.Definition.Name).ToHashSet(StringComparer.Ordinal);
        if (startingFirst is not null) names.UnionWith(startingFirst);
        var problems = new List<string>();
        // Checked here, so a command, an on_approval and an on_merge apply are all refused alike.
        if (state.Untrusted) problems.Add(UntrustedApply);
        foreach (var t in targets)
        {
            var name = t.Definition.Name;
            foreach (var unmet in ApplyRequirements.Unmet(t, state.HeadSha, facts, merged)) problems.Add($"`{name}`: {unmet}");
            if (locks.HeldByOther(LockKey.For(t.Definition)) is { } holder)
                problems.Add($"`{name}`: its lock is held by #{holder}; this pull request joined the queue and is re-planned when the lock frees");
            foreach (var dep in t.Definition.DependsOn)
            {
                var d = state.FindProject(dep);
                // Not part of this run, applied first in this request, or already applying (the dependent waits for it).
                if (d is null || names.Contains(dep) || d.Status.IsApplyInFlight()) continue;
                if (d.Status is ProjectRunStatus.ApplyFailed or ProjectRunStatus.ApplyInterrupted or ProjectRunStatus.ApplyBlocked)
                    problems.Add($"`{name}`: it depends on `{dep}`, whose apply did not succeed");
                else if (d.Status is ProjectRunStatus.Planned && Decisions.HasChanges(d))
                    problems.Add($"`{name}`: it depends on `{dep}`, which has unapplied changes; apply `{dep}` first or both together");
            }
        }
        return problems;
    }

    /// <summary>Moves <paramref name="targets"/> to applying (or waiting for their dependencies among them) and queues the jobs.</summary>
    public static Decision Start(RunState state, IReadOnlyList<ProjectRunState> targets, string by, string auditAction, bool reply, IEnumerable<Effect>? extra = null)
    {
        var names = targets.Select(t => t.Definition.Name).ToHashSet(StringComparer.Ordinal);
        var changed = new Dictionary<string, ProjectRunState>(StringComparer.Ordinal);
        var effects = new List<Effect>(extra ?? []);
        var applying = new List<string>();
        var waiting = new List<string>();
        foreach (var t in targets)
        {
            var record = new ApplyRecord(by, t.PlanFileSha256!, null, null, null);
            effects.Add(new AcquireLock(t.Definition));
            if (t.Definition.DependsOn.Any(dep => names.Contains(dep) || state.FindProject(dep)?.Status.IsApplyInFlight() == true))
            {
                changed[t.Definition.Name] = t with { Status = ProjectRunStatus.ApplyPending, Apply = record };
                effects.Add(new SetCommitStatus(t.Definition.Name, CommitState.Pending, "Apply waits for its dependencies") { Kind = StatusKind.Apply });
                waiting.Add(t.Definition.Name);
            }
            else
            {
                changed[t.Definition.Name] = t with { Status = ProjectRunStatus.Applying, Apply = record };
                effects.Add(new EnqueueApply(t.Definition, t.PlanFileSha256!, t.Artifacts!));
                effects.Add(new SetCommitStatus(t.Definition.Name, CommitState.Pending, "Applying") { Kind = StatusKind.Apply });
                applying.Add(t.Definition.Name);
            }
        }
        if (reply) effects.Add(new PostReply(Replies.ApplyStarted(applying, waiting, by)));
        effects.Add(new SyncComment());
        return new Decision(Decisions.Replace(state, changed), effects, auditAction,
            $"by {by}: applying {string.Join(", ", applying)}" + (waiting.Count > 0 ? $"; waiting: {string.Join(", ", waiting)}" : ""));
    }

    public static Decision OnFinished(RunState state, ApplyOutcome outcome)
    {
        var project = state.FindProject(outcome.ProjectName);
        // A runner's real result also replaces an "interrupted" the host reported when it gave up waiting for it.
        var late = project is { Status: ProjectRunStatus.ApplyInterrupted } && !outcome.Interrupted;
        if (project is null || (project.Status != ProjectRunStatus.Applying && !late))
            return Decision.Unchanged(state, $"apply result for {outcome.ProjectName} does not match an apply in flight");

        var record = (project.Apply ?? new ApplyRecord("unknown", project.PlanFileSha256 ?? "", null, null, null))
            with { Output = outcome.Output, Log = outcome.Log, Error = outcome.Error };
        var effects = new List<Effect>();
        var changed = new Dictionary<string, ProjectRunState>(StringComparer.Ordinal);
        string audit;
        if (outcome.Succeeded)
        {
            changed[project.Definition.Name] = project with { Status = ProjectRunStatus.Applied, Apply = record };
            effects.Add(new SetCommitStatus(project.Definition.Name, CommitState.Success, "Applied") { Kind = StatusKind.Apply });
            audit = "applied";
        }
        else
        {
            var status = outcome.Interrupted ? ProjectRunStatus.ApplyInterrupted : ProjectRunStatus.ApplyFailed;
            changed[project.Definition.Name] = project with { Status = status, Apply = record };
            effects.Add(new SetCommitStatus(project.Definition.Name, outcome.Interrupted ? CommitState.Error : CommitState.Failure,
                outcome.Interrupted ? "Apply interrupted: check the state" : "Apply failed") { Kind = StatusKind.Apply });
            if (outcome.Interrupted) effects.Add(new PostReply(Replies.ApplyInterrupted(project.Definition.Name, outcome.Error)));
            BlockDependents(state, project.Definition.Name, changed, effects);
            audit = outcome.Interrupted ? "apply-interrupted" : "apply-failed";
        }

        var next = Decisions.Replace(state, changed);
        // Dependents whose dependencies have all applied start now.
        var ready = new Dictionary<string, ProjectRunState>(StringComparer.Ordinal);
        foreach (var p in next.Projects.Where(p => p.Status == ProjectRunStatus.ApplyPending))
        {
            var waitsOn = p.Definition.DependsOn.Select(next.FindProject).OfType<ProjectRunState>();
            if (waitsOn.All(d => d.Status is not (ProjectRunStatus.ApplyPending or ProjectRunStatus.Applying)))
            {
                ready[p.Definition.Name] = p with { Status = ProjectRunStatus.Applying };
                effects.Add(new EnqueueApply(p.Definition, p.PlanFileSha256!, p.Artifacts!));
                effects.Add(new SetCommitStatus(p.Definition.Name, CommitState.Pending, "Applying") { Kind = StatusKind.Apply });
            }
        }
        next = Decisions.Replace(next, ready);
        if (next.Status == RunStatus.Closed && !next.Projects.Any(p => p.Status.IsApplyInFlight()))
            effects.Add(new ReleaseLocks(null) { LeaveQueues = true }); // the pull request is gone; its locks were kept only for this apply
        effects.Add(new SyncComment());
        return new Decision(next, effects, audit, $"{project.Definition.Name}: {outcome.Error ?? (outcome.Succeeded ? "applied" : "failed")}");
    }

    /// <summary>Marks every project waiting (directly or through others) on <paramref name="failed"/> as blocked.</summary>
    private static void BlockDependents(RunState state, string failed, Dictionary<string, ProjectRunState> changed, List<Effect> effects)
    {
        var blocked = new Queue<string>([failed]);
        while (blocked.TryDequeue(out var name))
        {
            foreach (var p in state.Projects.Where(p => p.Status == ProjectRunStatus.ApplyPending && p.Definition.DependsOn.Contains(name) && !changed.ContainsKey(p.Definition.Name)))
            {
                changed[p.Definition.Name] = p with
                {
                    Status = ProjectRunStatus.ApplyBlocked,
                    Apply = p.Apply! with { Error = $"not applied because `{name}`, which it depends on, did not apply" },
                };
                // Otherwise its commit status would say "waits for its dependencies" for ever.
                effects.Add(new SetCommitStatus(p.Definition.Name, CommitState.Failure, $"Not applied: {name} did not apply") { Kind = StatusKind.Apply });
                blocked.Enqueue(p.Definition.Name);
            }
        }
    }

    public static string StatusWord(RunStatus s) => s switch
    {
        RunStatus.Discovering or RunStatus.Planning => "still planning",
        RunStatus.Failed => "failed (see its comment)",
        RunStatus.Superseded => "superseded by a newer push",
        RunStatus.Closed => "closed",
        RunStatus.NoProjects => "without Terraform changes",
        RunStatus.AwaitingAuthorization => "waiting for a maintainer to authorize it (`terraflow plan` by someone with write access)",
        _ => s.ToString().ToLowerInvariant(),
    };
}
