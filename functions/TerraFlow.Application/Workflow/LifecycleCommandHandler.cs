using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Turns lifecycle commands (<c>terraflow apply | approve | unlock | approve-policies</c>) and approving reviews into
/// run events for the pull request's latest run. The facts (who acts, the pull request's head and mergeability) are
/// read from the VCS host before the transaction; the transaction re-checks that the latest run and the teams its
/// rules name are still the ones they were read for.
/// </summary>
public sealed class LifecycleCommandHandler(IWorkflowStore store, PullRequestFactsReader facts, TimeProvider time)
{
    public async Task<WorkflowStep> PrepareCommandAsync(LifecycleCommandReceived c, CancellationToken ct)
    {
        var pr = c.PullRequest;
        var runId = await store.LatestRunIdAsync(pr, ct);
        var run = runId is null ? null : await store.LoadRunSnapshotAsync(runId.Value, ct);
        if (run is null)
        {
            return async (tx, ct2) =>
            {
                if (await tx.Runs.LatestRunIdAsync(pr, ct2) is not null) return StepOutcome.FactsChanged;
                CommandReplies.Add(tx, pr, c.DeliveryId, Replies.Refused(Word(c.Command), ["this pull request has no TerraFlow plan yet; comment `terraflow plan` first"]));
                return StepOutcome.Done;
            };
        }
        var actor = await facts.ReadActorAsync(pr.Provider, pr.Repo, c.Author, run.State, ct);
        var prFacts = c.Command is UnlockCommand ? null : await facts.ReadPullRequestAsync(pr.Provider, pr.Repo, pr.Number, ct);
        return async (tx, ct2) =>
        {
            if (!await StillSameRunAsync(tx, pr, run, ct2)) return StepOutcome.FactsChanged;
            RunEvent ev = c.Command switch
            {
                ApplyCommand a => new ApplyRequested(actor, a.Project, prFacts!, LockView.Empty),
                // The approval binds to the plan that was posted when the comment was written (see ApprovalDecisions).
                ApproveCommand a => new ApprovalSubmitted(actor, ApprovalSource.Comment, a.Project, null, time.GetUtcNow(), prFacts!) { WrittenAt = c.WrittenAt },
                ApprovePoliciesCommand p => new PolicyOverrideRequested(actor, p.Project, time.GetUtcNow(), prFacts!),
                UnlockCommand u => new UnlockRequested(actor, u.Project),
                _ => throw new InvalidOperationException($"{c.Command.GetType().Name} is not a lifecycle command"),
            };
            await RunTransitions.ApplyAsync(tx, run.Context.RunId, ev, c.Author, c.DeliveryId, ct2);
            return StepOutcome.Done;
        };
    }

    public async Task<WorkflowStep> PrepareReviewAsync(ReviewReceived r, CancellationToken ct)
    {
        var pr = r.PullRequest;
        var runId = await store.LatestRunIdAsync(pr, ct);
        var run = runId is null ? null : await store.LoadRunSnapshotAsync(runId.Value, ct);
        if (run is null || !string.Equals(run.State.HeadSha, r.CommitSha, StringComparison.OrdinalIgnoreCase))
        {
            return async (tx, ct2) =>
            {
                if (await tx.Runs.LatestRunIdAsync(pr, ct2) != runId) return StepOutcome.FactsChanged;
                // A review of an older commit approves code that is no longer the plan's.
                tx.Audit.Add(runId, r.Reviewer, "ignored", $"review of {r.CommitSha} does not match the current plan", r.DeliveryId);
                return StepOutcome.Done;
            };
        }
        var actor = await facts.ReadActorAsync(pr.Provider, pr.Repo, r.Reviewer, run.State, ct);
        var prFacts = await facts.ReadPullRequestAsync(pr.Provider, pr.Repo, pr.Number, ct);
        return async (tx, ct2) =>
        {
            if (!await StillSameRunAsync(tx, pr, run, ct2)) return StepOutcome.FactsChanged;
            var ev = new ApprovalSubmitted(actor, ApprovalSource.Review, null, null, time.GetUtcNow(), prFacts);
            await RunTransitions.ApplyAsync(tx, run.Context.RunId, ev, r.Reviewer, r.DeliveryId, ct2);
            return StepOutcome.Done;
        };
    }

    /// <summary>
    /// The pull request's latest run is still the one the facts were read for (its head commit never changes), and
    /// its rules still name the teams whose membership was read (discovery may have finished meanwhile).
    /// </summary>
    private static async Task<bool> StillSameRunAsync(IWorkflowTransaction tx, PullRequestAddress pr, StoredRun readFor, CancellationToken ct)
    {
        if (await tx.Runs.LatestRunIdAsync(pr, ct) != readFor.Context.RunId) return false;
        var now = await tx.Runs.LoadAsync(readFor.Context.RunId, forUpdate: false, ct);
        return now is not null && Eligibility.TeamsNamedBy(now.State).SequenceEqual(Eligibility.TeamsNamedBy(readFor.State), StringComparer.OrdinalIgnoreCase);
    }

    private static string Word(CommentCommand command) => command switch
    {
        ApplyCommand => "apply",
        ApproveCommand => "approve",
        UnlockCommand => "unlock",
        ApprovePoliciesCommand => "approve-policies",
        _ => command.GetType().Name,
    };
}
