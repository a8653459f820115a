using TerraFlow.Core.Locks;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>Merge, close and unlock: what happens to a pull request's plans, applies and locks.</summary>
internal static class PullRequestEndDecisions
{
    public static Decision OnClosed(RunState state, PullRequestClosed ev)
    {
        // Plans stop; applies waiting on dependencies stop unless the merge itself applies them; a running apply finishes.
        var projects = state.Projects.Select(p => p.Status switch
        {
            ProjectRunStatus.Queued or ProjectRunStatus.Running => p with { Status = ProjectRunStatus.Cancelled },
            ProjectRunStatus.ApplyPending when !ev.Merged => p with { Status = ProjectRunStatus.Cancelled },
            _ => p,
        }).ToList();
        var next = state with { Status = RunStatus.Closed, Merged = ev.Merged, Projects = projects };
        var effects = new List<Effect> { new CancelJobs() };
        var audit = ev.Merged ? "merged" : "closed";
        var detail = ev.Merged ? $"pull request merged by {ev.By}" : $"pull request closed by {ev.By}";

        if (ev.Merged && state.Status == RunStatus.Planned)
        {
            var unapplied = next.Projects.Where(p => p.Status == ProjectRunStatus.Planned && Decisions.HasChanges(p)).ToList();
            var onMerge = unapplied.Where(p => p.Definition.Apply.When == ApplyTrigger.OnMerge).ToList();
            // Approved on_approval projects held back by an on_merge dependency apply after it.
            if (onMerge.Count > 0 && ev.Facts is { } known) onMerge = ApplyDecisions.WithApprovedDependents(next, onMerge, known, ev.Locks, merged: true);
            var warnings = unapplied.Except(onMerge).Select(p => $"`{p.Definition.Name}`: its plan was never applied (`apply: {Word(p.Definition.Apply.When)}`)").ToList();
            if (onMerge.Count > 0 && ev.Facts is { } facts)
            {
                var problems = ApplyDecisions.Problems(next, onMerge, facts, ev.Locks, merged: true);
                if (problems.Count == 0)
                {
                    var started = ApplyDecisions.Start(next, onMerge, ev.By, audit, reply: false, effects);
                    effects = [.. started.Effects.Where(e => e is not SyncComment)];
                    next = started.State;
                    detail += "; " + started.AuditDetail;
                }
                else
                {
                    warnings.AddRange(problems);
                }
            }
            if (warnings.Count > 0) effects.Add(new PostReply(Replies.MergedUnapplied(warnings)));
        }

        if (!next.Projects.Any(p => p.Status.IsApplyInFlight()))
            effects.Add(new ReleaseLocks(null) { LeaveQueues = true }); // otherwise released when the last apply ends
        if (state.Projects.Count > 0) effects.Add(new SyncComment());
        return new Decision(next, effects, audit, detail);
    }

    public static Decision OnUnlock(RunState state, UnlockRequested ev)
    {
        const string action = "unlock";
        if (ev.By.Permission < RepoPermission.Write)
            return Decisions.Refuse(state, action, $"@{ev.By.Login} needs write permission on the repository to unlock");
        if (ev.Project is { } name)
        {
            var p = state.FindProject(name);
            if (p is null) return Decisions.Refuse(state, action, $"this pull request's plan has no project `{name}`");
            if (p.Status.IsApplyInFlight()) return Decisions.Refuse(state, action, $"`{name}` is being applied; its lock is released when the apply ends");
            return new Decision(state, [new ReleaseLocks([LockKey.For(p.Definition)]), new PostReply(Replies.Unlocked([name], ev.By.Login))], "unlocked", $"by {ev.By.Login}: {name}");
        }
        if (state.Projects.Any(p => p.Status.IsApplyInFlight()))
            return Decisions.Refuse(state, action, "an apply is in progress; its locks are released when it ends");
        return new Decision(state, [new ReleaseLocks(null), new PostReply(Replies.Unlocked(null, ev.By.Login))], "unlocked", $"by {ev.By.Login}: every lock");
    }

    private static string Word(ApplyTrigger t) => t switch { ApplyTrigger.OnApproval => "on_approval", ApplyTrigger.OnMerge => "on_merge", _ => "manual" };
}
