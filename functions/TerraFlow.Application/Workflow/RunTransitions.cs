using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// The transactional steps shared by webhook intake, the engine and approval links: start a run (superseding older
/// ones) and apply an event to a locked run. Each runs inside the caller's <see cref="IWorkflowTransaction"/>.
/// </summary>
public static class RunTransitions
{
    /// <summary>
    /// Creates a run and supersedes the pull request's older runs. No job is queued yet: the engine first checks
    /// whether the pull request may run at all (<see cref="TrustCheckHandler"/>; that needs the VCS host, which
    /// intake never calls). The inbox and audit rows are collected writes, sent with the caller's last writes.
    /// </summary>
    /// <param name="cloneUrls">A clone URL it refuses (not on the provider's configured host) fails the run at once,
    /// with the reason in its comment: no job is queued, so no runner ever fetches a token for that URL.</param>
    /// <param name="pusher">Who pushed or reopened, when a webhook says so; trusted only with write access, like the author.</param>
    public static async Task<long> StartRunAsync(IWorkflowTransaction tx, NewRun run, string actor, string? deliveryId, ICloneUrlGuard cloneUrls, CancellationToken ct, string? pusher = null)
    {
        var pr = run.PullRequest;
        var (runId, older) = await tx.Runs.InsertSupersedingAsync(run, ct);
        foreach (var olderId in older)
            await ApplyAsync(tx, olderId, new RunSuperseded(pr.HeadSha), actor, deliveryId, ct);

        var what = run.RequestedProject is null ? "plan" : $"plan -p {run.RequestedProject}";
        tx.Audit.Add(runId, actor, "run-created", $"{what} for {pr.Repo}#{pr.Number} at {pr.HeadSha}", deliveryId);
        if (cloneUrls.Refusal(run.Provider, pr.CloneUrl, pr.Repo.Owner, pr.Repo.Name) is { } refusal)
        {
            var failed = new DiscoveryOutcome(false, null, "Refused to clone: " + refusal, [], []);
            await ApplyAsync(tx, runId, new DiscoveryFinished(failed), actor, deliveryId, ct);
            return runId;
        }
        tx.Inbox.Add(new TrustCheckRequested(runId, pr.Author, pusher, pr.FromFork, deliveryId));
        return runId;
    }

    /// <summary>Locks the run, lets the state machine decide, writes the decision. Returns false when the run does not exist.</summary>
    public static async Task<bool> ApplyAsync(IWorkflowTransaction tx, long runId, RunEvent ev, string actor, string? deliveryId, CancellationToken ct) =>
        await DecideAsync(tx, runId, ev, actor, deliveryId, ct) is not null;

    /// <summary>
    /// Like <see cref="ApplyAsync"/>, returning the run before and the decision written (null when the run does not
    /// exist). When the store already holds an apply of a plan the decision would start (its one-apply-per-plan key),
    /// the decision written instead is the "already applied" refusal: nothing changes and nothing is retried.
    /// </summary>
    public static async Task<(StoredRun Before, Decision Decision)?> DecideAsync(IWorkflowTransaction tx, long runId, RunEvent ev, string actor, string? deliveryId, CancellationToken ct)
    {
        // Plan results and supersedes never touch locks; everything else may, and then decides holding the advisory
        // locks of the project locks involved, with their current holders.
        var lockKeys = ev switch
        {
            PlanFinished or RunSuperseded => null,
            // Discovery may lock the projects it plans; the run has no projects yet, so name them.
            DiscoveryFinished d => await DiscoveryLockKeysAsync(tx, runId, d.Outcome, ct),
            _ => (IReadOnlyCollection<string>)[],
        };
        // Successful discoveries also get the pull request's earlier results, so unchanged projects keep their plan;
        // they are read with the run, in the same round trip.
        var previousPlans = ev is DiscoveryFinished { Outcome.Succeeded: true };
        var run = await tx.Runs.LoadAsync(runId, forUpdate: true, ct, lockKeys, previousPlans);
        if (run is null) return null;
        ev = ev switch
        {
            DiscoveryFinished d => d with { Locks = run.Locks, PreviousPlans = previousPlans ? run.PreviousPlans : d.PreviousPlans },
            ApprovalSubmitted a => a with { Locks = run.Locks },
            ApplyRequested r => r with { Locks = run.Locks },
            PolicyOverrideRequested o => o with { Locks = run.Locks },
            PullRequestClosed c => c with { Locks = run.Locks },
            _ => ev,
        };
        var decision = RunWorkflow.Decide(run.State, ev);
        if (await tx.Runs.WriteDecisionAsync(run, decision, actor, deliveryId, ct) is DecisionWrite.ApplyAlreadyRecorded again)
        {
            decision = RunWorkflow.RefuseApplyAgain(run.State, again.Projects);
            await tx.Runs.WriteDecisionAsync(run, decision, actor, deliveryId, ct);
        }
        return (run, decision);
    }

    /// <summary>The lock keys of the projects a discovery may plan: the affected ones, or the one a command named.</summary>
    private static async Task<IReadOnlyCollection<string>> DiscoveryLockKeysAsync(IWorkflowTransaction tx, long runId, DiscoveryOutcome outcome, CancellationToken ct)
    {
        var requested = await tx.Runs.RequestedProjectAsync(runId, ct);
        return outcome.AllProjects
            .Where(p => requested is null ? outcome.AffectedProjects.Contains(p.Name) : p.Name == requested)
            .Select(LockKey.For).ToList();
    }

    /// <summary>Closes (or marks merged) every open run of the pull request.</summary>
    public static async Task CloseRunsAsync(IWorkflowTransaction tx, string provider, PullRequestInfo pr, string actor, string? deliveryId, CancellationToken ct)
    {
        // Undiverged/mergeable mean nothing after a merge; the facts carry the author for approval counting.
        var closed = new PullRequestClosed(pr.Merged) { By = actor, Facts = new PullRequestFacts(pr.HeadSha, pr.Author, true, true) };
        foreach (var activeId in await tx.Runs.OpenRunIdsAsync(new PullRequestAddress(provider, pr.Repo, pr.Number), ct))
            await ApplyAsync(tx, activeId, closed, actor, deliveryId, ct);
    }
}
