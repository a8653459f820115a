using TerraFlow.Application.Ports;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>The outcome of an operator cancelling a queued pull request from the console.</summary>
public enum QueueCancelOutcome
{
    /// <summary>The pull request left the lock's queue: its waiting project is cancelled, it is told, the cancel is audited.</summary>
    Cancelled,

    /// <summary>The pull request's latest run does not wait for that lock (it got it meanwhile, left, or never waited).</summary>
    NotWaiting,
}

/// <summary>
/// An operator taking a waiting pull request out of a lock's queue from the console: the
/// <see cref="QueueCancelRequested"/> decision on the waiter's latest run through <see cref="RunTransitions"/> (reply on
/// the pull request naming the operator, audit event with the console as actor, the queue row removed). The holder keeps
/// its lock. The caller has checked that the user may operate the repository.
/// </summary>
public sealed class ConsoleQueueCancel(IWorkflowStore store)
{
    public async Task<QueueCancelOutcome> CancelAsync(string provider, RepoRef repo, string dir, string workspace, int pullRequest, string actorLogin, string auditActor, CancellationToken ct)
    {
        var pr = new PullRequestAddress(provider, repo, pullRequest);
        var runId = await store.LatestRunIdAsync(pr, ct);
        var run = runId is null ? null : await store.LoadRunSnapshotAsync(runId.Value, ct);
        var key = LockKey.For(dir, workspace);
        var project = run?.State.Projects.FirstOrDefault(p => LockKey.For(p.Definition) == key);
        if (run is null || project is null) return QueueCancelOutcome.NotWaiting;

        await using var tx = await store.BeginAsync(ct);
        if (await tx.Runs.LatestRunIdAsync(pr, ct) != run.Context.RunId) return QueueCancelOutcome.NotWaiting;
        // Write permission is what the queue's own commands ask of a commenter; the console checked the operate role.
        var ev = new QueueCancelRequested(new Actor(actorLogin, RepoPermission.Write, []), project.Definition.Name);
        var decided = await RunTransitions.DecideAsync(tx, run.Context.RunId, ev, auditActor, deliveryId: null, ct);
        // Checked on the run as locked for the decision: a refusal, or a pull request that holds the lock by now, rolls
        // back without a commit (nothing is posted, the holder's lock is never released from here).
        if (decided is not { } d || d.Decision.AuditAction != "dequeued") return QueueCancelOutcome.NotWaiting;
        if (d.Before.Locks.Holders.TryGetValue(key, out var holder) && holder == pullRequest) return QueueCancelOutcome.NotWaiting;
        await tx.CommitAsync(ct);
        return QueueCancelOutcome.Cancelled;
    }
}
