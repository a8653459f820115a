using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Decides, before a new run's first job, whether its pull request may run at all (<see cref="PullRequestTrust"/>):
/// a trusted one gets its discover job; an untrusted one either waits for a maintainer's <c>terraflow plan</c> (its
/// comment says why) or, with <c>ForkPlans=restricted</c>, runs with every job marked <c>Untrusted</c>. The
/// participants' permissions are read from the VCS host before the transaction, which re-checks that the run is
/// still starting (its repository and head never change).
/// </summary>
public sealed class TrustCheckHandler(IWorkflowStore store, IVcsClients vcs, WorkflowSettings settings)
{
    public async Task<WorkflowStep> PrepareAsync(TrustCheckRequested check, CancellationToken ct)
    {
        var snapshot = await store.LoadRunSnapshotAsync(check.RunId, ct);
        var participants = new List<Participant>();
        if (snapshot is not null && snapshot.State.Status == RunStatus.Discovering)
        {
            var client = vcs.For(snapshot.Context.Provider);
            participants.Add(new(check.Author, await client.GetPermissionAsync(snapshot.Context.Repo, check.Author, ct)));
            if (check.Pusher is { } pusher && !string.Equals(pusher, check.Author, StringComparison.OrdinalIgnoreCase))
                participants.Add(new Participant(pusher, await client.GetPermissionAsync(snapshot.Context.Repo, pusher, ct)));
        }

        return async (tx, ct2) =>
        {
            var run = await tx.Runs.LoadAsync(check.RunId, forUpdate: true, ct2);
            if (run is null || run.State.Status != RunStatus.Discovering)
            {
                // A newer push superseded it (or the pull request closed) before the check: nothing to start.
                tx.Audit.Add(check.RunId, "terraflow", "ignored", "trust check of a run that is no longer starting", check.DeliveryId);
                return StepOutcome.Done;
            }
            if (participants.Count == 0) return StepOutcome.FactsChanged;
            var c = run.Context;
            var pr = new PullRequestAddress(c.Provider, c.Repo, c.PullRequestNumber);
            var authorizedBy = await tx.PlanAuthorizations.FindAsync(pr, c.HeadSha, ct2);
            var decision = PullRequestTrust.Decide(check.FromFork, participants, authorizedBy is not null, settings.ForkPlans, c.HeadSha);

            switch (decision.Verdict)
            {
                case TrustVerdict.Trusted:
                    tx.Jobs.Enqueue(JobSpecs.Discover(c));
                    if (authorizedBy is not null)
                        tx.Audit.Add(c.RunId, authorizedBy, "authorized", $"{c.HeadSha} planned on @{authorizedBy}'s authorization", check.DeliveryId);
                    break;
                case TrustVerdict.Restricted:
                    tx.Runs.MarkUntrusted(c.RunId);
                    tx.Jobs.Enqueue(JobSpecs.Discover(c with { Untrusted = true }));
                    tx.Audit.Add(c.RunId, "terraflow", "untrusted", decision.Reason!, check.DeliveryId);
                    break;
                default:
                    await RunTransitions.ApplyAsync(tx, c.RunId, new AuthorizationRequired(decision.Reason!), "terraflow", check.DeliveryId, ct2);
                    break;
            }
            return StepOutcome.Done;
        };
    }
}
