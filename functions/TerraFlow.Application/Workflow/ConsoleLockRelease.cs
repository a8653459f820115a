using TerraFlow.Application.Ports;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>The outcome of an operator's lock release from the console.</summary>
public enum LockReleaseOutcome
{
    /// <summary>Released: audited, the holder's pull request told, the next pull request in the queue re-planned.</summary>
    Released,

    /// <summary>The lock is no longer held by that pull request (released meanwhile, or never was).</summary>
    NotHeld,

    /// <summary>The holder is applying that project: its lock is released when the apply ends.</summary>
    ApplyInFlight,
}

/// <summary>
/// An operator releasing a held project lock from the console: exactly what <c>terraflow unlock -p &lt;project&gt;</c>
/// on the holding pull request does (the same <see cref="UnlockRequested"/> event through <see cref="RunTransitions"/>,
/// so the same audit event, reply on the pull request, and re-plan of the next pull request in the queue). The caller
/// has checked that the user may operate the repository. <paramref name="actorLogin"/> is named in the reply on the
/// pull request, <paramref name="auditActor"/> in the audit event (it says the console did it).
/// </summary>
public sealed class ConsoleLockRelease(IWorkflowStore store)
{
    public async Task<LockReleaseOutcome> ReleaseAsync(string provider, RepoRef repo, string dir, string workspace, int pullRequest, string actorLogin, string auditActor, CancellationToken ct)
    {
        var pr = new PullRequestAddress(provider, repo, pullRequest);
        var runId = await store.LatestRunIdAsync(pr, ct);
        var run = runId is null ? null : await store.LoadRunSnapshotAsync(runId.Value, ct);
        var key = LockKey.For(dir, workspace);
        var project = run?.State.Projects.FirstOrDefault(p => LockKey.For(p.Definition) == key);
        if (run is null || project is null) return LockReleaseOutcome.NotHeld;

        await using var tx = await store.BeginAsync(ct);
        if (await tx.Runs.LatestRunIdAsync(pr, ct) != run.Context.RunId) return LockReleaseOutcome.NotHeld;
        // Write permission is what `terraflow unlock` asks of a commenter; the console checked the operate role.
        var ev = new UnlockRequested(new Actor(actorLogin, RepoPermission.Write, []), project.Definition.Name);
        var decided = await RunTransitions.DecideAsync(tx, run.Context.RunId, ev, auditActor, deliveryId: null, ct);
        // Checked on the run as locked for the decision; returning without a commit rolls the decision back, so the
        // pull request is not told about a refusal meant for the operator.
        if (decided is not { } d) return LockReleaseOutcome.NotHeld;
        if (!d.Before.Locks.Holders.TryGetValue(key, out var holder) || holder != pullRequest) return LockReleaseOutcome.NotHeld;
        if (d.Before.State.FindProject(project.Definition.Name) is { } p && p.Status.IsApplyInFlight()) return LockReleaseOutcome.ApplyInFlight;
        await tx.CommitAsync(ct);
        return LockReleaseOutcome.Released;
    }
}
