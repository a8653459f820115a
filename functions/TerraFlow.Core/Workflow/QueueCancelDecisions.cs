using TerraFlow.Core.Locks;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// An operator cancelling a pull request's wait for a project lock: the pull request leaves that lock's queue (and only
/// that one), its waiting project is cancelled, and it is told who did it. A held lock is never touched here: releasing
/// it is <c>terraflow unlock</c>.
/// </summary>
internal static class QueueCancelDecisions
{
    public static Decision OnCancel(RunState state, QueueCancelRequested ev)
    {
        const string action = "cancel";
        if (ev.By.Permission < RepoPermission.Write)
            return Decisions.Refuse(state, action, $"@{ev.By.Login} needs write permission on the repository to cancel a queued plan", reply: false);
        if (state.FindProject(ev.Project) is not { } p)
            return Decisions.Refuse(state, action, $"this pull request's plan has no project `{ev.Project}`", reply: false);
        if (p.Status != ProjectRunStatus.WaitingForLock)
            return Decisions.Refuse(state, action, $"`{ev.Project}` is not waiting for a lock", reply: false);

        var projects = state.Projects.Select(x => x == p ? x with { Status = ProjectRunStatus.Cancelled, WaitingBehind = null } : x).ToList();
        // Keys name the one lock; with LeaveQueues only that lock's queue is left. Nothing is released: the pull request
        // does not hold this lock (it waits for it), so no next pull request is granted anything.
        var leave = new ReleaseLocks([LockKey.For(p.Definition)]) { LeaveQueues = true };
        return new Decision(state with { Projects = projects }, [leave, new PostReply(Replies.QueueCancelled(p.Definition.Name, ev.By.Login)), new SyncComment()],
            "dequeued", $"by {ev.By.Login}: {p.Definition.Name}");
    }
}
