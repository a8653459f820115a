using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Intake;

/// <summary>
/// Stores a verified, parsed webhook delivery and everything it causes in one transaction, before the HTTP answer:
/// the delivery row (its id is the dedupe key), new or updated runs, jobs, outbox rows and audit events. A redelivery
/// hits the delivery log and changes nothing. No network calls happen here, so the answer stays fast. With
/// <paramref name="groupCommit"/>, concurrent deliveries share one transaction and one commit (each behind its own
/// savepoint, each answered only after that commit; see <see cref="IGroupCommit"/>).
/// </summary>
public sealed class WebhookIntake(IWorkflowStore store, ICloneUrlGuard cloneUrls, IGroupCommit? groupCommit = null)
{
    /// <param name="operationId">Correlates the run's jobs with this delivery in logs and telemetry (the request's
    /// trace id); the delivery id when omitted.</param>
    public async Task<IntakeResult> AcceptAsync(string provider, string deliveryId, string eventName, VcsEvent ev, CancellationToken ct, string? operationId = null)
    {
        operationId ??= deliveryId;
        if (groupCommit is not null)
            return await groupCommit.RunAsync((work, ct2) => StoreAsync(work, provider, deliveryId, eventName, ev, operationId, ct2), ct);
        await using var work = await store.BeginAsync(ct);
        return await StoreAsync(work, provider, deliveryId, eventName, ev, operationId, ct);
    }

    /// <summary>The delivery's unit of work; ends with a commit, or a rollback when the delivery was known already.</summary>
    private async Task<IntakeResult> StoreAsync(IWorkflowTransaction work, string provider, string deliveryId, string eventName, VcsEvent ev, string operationId, CancellationToken ct)
    {
        var result = await HandleAsync(work, provider, deliveryId, operationId, ev, cloneUrls, ct);
        // A comment or review is also known by the host's own id: an old one replayed under a new delivery id (a
        // signed body can be re-sent by anyone who saw it) is a duplicate too.
        var seen = result.Status == IntakeStatus.Accepted && VcsIdentity(ev) is { } identity
            ? work.Deliveries.AddCommandSeen(provider, identity.Repo, identity.Kind, identity.Id, deliveryId)
            : null;

        // The delivery row goes in last, sent together with the handler's last writes: a redelivery (same id) is
        // already there, so everything above is rolled back and nothing repeats.
        var delivery = work.Deliveries.AddDelivery(provider, deliveryId, eventName, ActionOf(ev),
            result.Status == IntakeStatus.Accepted ? "accepted: " + result.Reason : "ignored: " + result.Reason,
            result.RunId);
        await work.FlushAsync(ct);
        if (!delivery.Inserted)
        {
            await work.RollbackAsync(ct);
            return new IntakeResult(IntakeStatus.Duplicate, "delivery already received; nothing new was done");
        }
        if (seen is { Inserted: false })
        {
            await work.RollbackAsync(ct);
            return new IntakeResult(IntakeStatus.Duplicate, $"this {VcsIdentity(ev)!.Kind} was already received in another delivery; nothing new was done");
        }
        await work.CommitAsync(ct);
        return result;
    }

    private static async Task<IntakeResult> HandleAsync(IWorkflowTransaction work, string provider, string deliveryId, string operationId, VcsEvent ev, ICloneUrlGuard cloneUrls, CancellationToken ct)
    {
        switch (ev)
        {
            case PingEvent:
                return new IntakeResult(IntakeStatus.Ignored, "pong");
            case IgnoredEvent ignored:
                return new IntakeResult(IntakeStatus.Ignored, ignored.Reason);
            case InstallationEvent installation:
                work.Deliveries.AddInstallation(provider, installation.InstallationId, installation.Account, installation.Action);
                work.Audit.Add(null, installation.Account, "installation-" + installation.Action, $"installation {installation.InstallationId}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, $"installation {installation.Action}");
            case PullRequestEvent { Action: PullRequestAction.Closed } closed:
                var pr = closed.PullRequest;
                await RunTransitions.CloseRunsAsync(work, provider, pr, closed.Sender, deliveryId, ct);
                return new IntakeResult(IntakeStatus.Accepted, pr.Merged ? "pull request merged" : "pull request closed");
            case PullRequestEvent opened:
                var run = new NewRun(provider, opened.PullRequest, null, Explicit: false, OperationId: operationId);
                var runId = await RunTransitions.StartRunAsync(work, run, opened.Sender, deliveryId, cloneUrls, ct, pusher: opened.Sender);
                return new IntakeResult(IntakeStatus.Accepted, "run created", runId);
            case PullRequestCommentEvent comment:
                return HandleComment(work, provider, deliveryId, operationId, comment);
            case PullRequestReviewEvent { Approved: false }:
                return new IntakeResult(IntakeStatus.Ignored, "only approving reviews count");
            case PullRequestReviewEvent review:
                work.Inbox.Add(new ReviewReceived(new PullRequestAddress(provider, review.Repo, review.Number), review.Reviewer, review.CommitSha, deliveryId));
                work.Audit.Add(null, review.Reviewer, "review-approved", $"{review.Repo}#{review.Number} at {review.CommitSha}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, "approving review queued");
            case PullRequestApprovalsEvent { Approvers.Count: 0 }:
                return new IntakeResult(IntakeStatus.Ignored, "no approving votes");
            case PullRequestApprovalsEvent votes:
                var votedOn = new PullRequestAddress(provider, votes.Repo, votes.Number);
                foreach (var approver in votes.Approvers)
                {
                    work.Inbox.Add(new ReviewReceived(votedOn, approver, votes.CommitSha, deliveryId));
                    work.Audit.Add(null, approver, "review-approved", $"{votes.Repo}#{votes.Number} at {votes.CommitSha}", deliveryId);
                }
                return new IntakeResult(IntakeStatus.Accepted, $"{votes.Approvers.Count} approving vote(s) queued");
            default:
                return new IntakeResult(IntakeStatus.Ignored, $"event {ev.GetType().Name} is not handled");
        }
    }

    /// <summary>A comment only adds rows (collected writes), so they are sent with the delivery row.</summary>
    private static IntakeResult HandleComment(IWorkflowTransaction work, string provider, string deliveryId, string operationId, PullRequestCommentEvent comment)
    {
        var address = new PullRequestAddress(provider, comment.Repo, comment.Number);
        var command = CommentCommandParser.Parse(comment.Body);
        switch (command)
        {
            case null:
                return new IntakeResult(IntakeStatus.Ignored, "comment is not a TerraFlow command");
            case PlanCommand plan:
                work.Inbox.Add(new PlanCommandReceived(address, plan.Project, comment.Author, deliveryId, operationId, comment.CreatedAt));
                work.Audit.Add(null, comment.Author, "command-plan", $"{comment.Repo}#{comment.Number}: {FirstLine(comment.Body)}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, "plan command queued");
            case HelpCommand:
                AddReply(work, address, deliveryId, RunCommentRenderer.RenderHelp());
                return new IntakeResult(IntakeStatus.Accepted, "help requested");
            case ApplyCommand or ApproveCommand or UnlockCommand or ApprovePoliciesCommand:
                // The typed command travels to the engine as it is; only its word is needed here, for the audit trail.
                var name = command switch
                {
                    ApplyCommand => "apply",
                    ApproveCommand => "approve",
                    UnlockCommand => "unlock",
                    _ => "approve-policies",
                };
                work.Inbox.Add(new LifecycleCommandReceived(address, command, comment.Author, deliveryId, comment.CreatedAt));
                work.Audit.Add(null, comment.Author, "command-" + name, $"{comment.Repo}#{comment.Number}: {FirstLine(comment.Body)}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, name + " command queued");
            case InvalidCommand invalid:
                AddReply(work, address, deliveryId, RunCommentRenderer.RenderCommandError(invalid.Message));
                return new IntakeResult(IntakeStatus.Accepted, "invalid command answered with help");
            default:
                return new IntakeResult(IntakeStatus.Ignored, $"command {command.GetType().Name} is not handled yet");
        }
    }

    // The delivery id makes the marker unique per command, so a retried send finds its earlier post.
    private static void AddReply(IWorkflowTransaction work, PullRequestAddress address, string deliveryId, string body) =>
        work.Outbox.AddReply(null, address, CommandReplies.Marker(deliveryId), body);

    private static string FirstLine(string body) => body.Split('\n')[0].Trim();

    private sealed record Identity(RepoRef Repo, string Kind, long Id);

    /// <summary>The host's own id of a comment or review (GitLab approvals have none: 0).</summary>
    private static Identity? VcsIdentity(VcsEvent ev) => ev switch
    {
        PullRequestCommentEvent c => new Identity(c.Repo, "comment", c.CommentId),
        PullRequestReviewEvent { ReviewId: not 0 } r => new Identity(r.Repo, "review", r.ReviewId),
        _ => null,
    };

    private static string? ActionOf(VcsEvent ev) => ev switch
    {
        PullRequestEvent p => p.Action.ToString().ToLowerInvariant(),
        InstallationEvent i => i.Action,
        PullRequestCommentEvent => "created",
        PullRequestReviewEvent or PullRequestApprovalsEvent => "submitted",
        _ => null,
    };
}
