using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Starts a new run for a <c>terraflow plan</c> comment or for a re-plan after a lock reached the pull request (no
/// person asked; autoplan rules apply). The commenter needs write access: a plan runs the pull request's code on a
/// runner with the project's credentials. On a pull request TerraFlow does not trust (a fork, or an author without
/// write access) the comment authorizes exactly the head commit the pull request had when the comment was written;
/// every run still passes the trust check (<see cref="TrustCheckHandler"/>) before its first job.
/// The VCS host is asked before the transaction; the transaction re-checks that no run was created meanwhile (a push
/// that arrived while the facts were read would otherwise be superseded by a run of the older head).
/// </summary>
public sealed class PlanCommandHandler(IWorkflowStore store, IVcsClients vcs, WorkflowSettings settings, ICloneUrlGuard cloneUrls, IWorkflowMetrics metrics)
{
    private sealed record Request(PullRequestAddress PullRequest, string? Project, string Author, string DeliveryId, string? OperationId, DateTimeOffset? WrittenAt, bool Replan);

    public Task<WorkflowStep> PrepareAsync(PlanCommandReceived c, CancellationToken ct) =>
        PrepareAsync(new Request(c.PullRequest, c.Project, c.Author, c.DeliveryId, c.OperationId, c.WrittenAt, Replan: false), ct);

    public Task<WorkflowStep> PrepareAsync(ReplanRequested r, CancellationToken ct) =>
        PrepareAsync(new Request(r.PullRequest, null, "terraflow", r.DeliveryId, null, null, Replan: true), ct);

    private async Task<WorkflowStep> PrepareAsync(Request command, CancellationToken ct)
    {
        var target = command.PullRequest;
        var client = vcs.For(target.Provider);
        var repo = target.Repo;
        if (!command.Replan && await client.GetPermissionAsync(repo, command.Author, ct) < RepoPermission.Write)
        {
            return Refuse(command,
                $"@{command.Author} needs write access to the repository to run `terraflow plan`: a plan runs the pull request's code with this repository's credentials");
        }

        var latestBefore = await store.LatestRunIdAsync(target, ct);
        var pr = await client.GetPullRequestAsync(repo, target.Number, ct);
        if (!pr.Open)
        {
            return (tx, _) =>
            {
                tx.Audit.Add(null, command.Author, "ignored", $"plan command on closed {target}", command.DeliveryId);
                return Task.FromResult(StepOutcome.Done);
            };
        }
        var needsAuthorization = !command.Replan && settings.ForkPlans == ForkPlanMode.Authorize
            && (pr.FromFork || await client.GetPermissionAsync(repo, pr.Author, ct) < RepoPermission.Write);

        return async (tx, ct2) =>
        {
            if (await tx.Runs.LatestRunIdAsync(target, ct2) != latestBefore) return StepOutcome.FactsChanged;
            if (needsAuthorization)
            {
                // The maintainer reviewed the commits that were there when they wrote the comment, not ones pushed since.
                if (command.WrittenAt is { } written
                    && await tx.PlanAuthorizations.HeadAtAsync(target, written, ct2) is { } headThen
                    && !string.Equals(headThen, pr.HeadSha, StringComparison.OrdinalIgnoreCase))
                {
                    return await Refuse(command,
                        $"the pull request received new commits after your comment (its head was `{Short(headThen)}`, now it is `{Short(pr.HeadSha)}`); " +
                        "review them and comment `terraflow plan` again to authorize the new head")(tx, ct2);
                }
                tx.PlanAuthorizations.Add(target, pr.HeadSha, command.Author, command.DeliveryId);
                tx.Audit.Add(null, command.Author, "authorized", $"{repo}#{target.Number} at {pr.HeadSha}", command.DeliveryId);
            }

            var newRun = new NewRun(target.Provider, pr with { Repo = repo }, command.Project, Explicit: !command.Replan, OperationId: command.OperationId ?? command.DeliveryId);
            await RunTransitions.StartRunAsync(tx, newRun, command.Author, command.DeliveryId, cloneUrls, ct2);
            metrics.RunStarted(command.Replan ? "lock-released" : "command");
            return StepOutcome.Done;
        };
    }

    private static WorkflowStep Refuse(Request command, string reason) => (tx, _) =>
    {
        var target = command.PullRequest;
        CommandReplies.Add(tx, target, command.DeliveryId, Replies.Refused("plan", [reason]));
        tx.Audit.Add(null, command.Author, "refused", $"plan on {target}: {reason}", command.DeliveryId);
        return Task.FromResult(StepOutcome.Done);
    };

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
