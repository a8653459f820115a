using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Ports;
using TerraFlow.Application.Outbox;
using TerraFlow.Application.Workflow;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Messages;
using TerraFlow.Core.Commands;
using TerraFlow.Core.Comments;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Functions.Webhooks;

public enum IntakeStatus { Accepted, Duplicate, Ignored }

public sealed record IntakeResult(IntakeStatus Status, string Reason, long? RunId = null);

/// <summary>
/// Stores a verified, parsed webhook delivery and everything it causes in one transaction, before the HTTP answer:
/// the delivery row (its id is the dedupe key), new or updated runs, jobs, outbox rows and audit events. A redelivery
/// hits the primary key and changes nothing. No network calls happen here, so the answer stays fast.
/// </summary>
public sealed class WebhookIntake(NpgsqlDataSource dataSource, CloneUrlPolicy cloneUrls)
{
    /// <param name="operationId">Correlates the run's jobs with this delivery in logs and telemetry (the request's
    /// trace id); the delivery id when omitted.</param>
    public async Task<IntakeResult> AcceptAsync(string provider, string deliveryId, string eventName, VcsEvent ev, CancellationToken ct, string? operationId = null)
    {
        operationId ??= deliveryId;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var tail = new SqlBatch(conn, tx);
        var result = await HandleAsync(PostgresWorkflowTransaction.Over(conn, tx, tail), tail, provider, deliveryId, operationId, ev, cloneUrls, ct);
        // A comment or review is also known by the host's own id: an old one replayed under a new delivery id (a
        // signed body can be re-sent by anyone who saw it) is a duplicate too.
        var seen = result.Status == IntakeStatus.Accepted && VcsIdentity(ev) is { } identity
            ? tail.Add("""
                insert into vcs_commands_seen (provider, repo_owner, repo_name, kind, vcs_id, delivery_id) values ($1, $2, $3, $4, $5, $6)
                on conflict do nothing
                """, provider, identity.Repo.Owner, identity.Repo.Name, identity.Kind, identity.Id, deliveryId)
            : null;

        // The delivery row goes in last, sent together with the handler's last writes: a redelivery (same id) hits the
        // primary key here, so everything above is rolled back and nothing repeats.
        var delivery = tail.Add("""
            insert into webhook_deliveries (provider, delivery_id, event, action, outcome, run_id) values ($1, $2, $3, $4, $5, $6)
            on conflict do nothing
            """,
            provider, deliveryId, eventName, SqlBatch.Text(ActionOf(ev)),
            result.Status == IntakeStatus.Accepted ? "accepted: " + result.Reason : "ignored: " + result.Reason,
            SqlBatch.Bigint(result.RunId));
        await tail.ExecuteAsync(ct);
        if (delivery.RecordsAffected == 0)
        {
            await tx.RollbackAsync(ct);
            return new IntakeResult(IntakeStatus.Duplicate, "delivery already received; nothing new was done");
        }
        if (seen is { RecordsAffected: 0 })
        {
            await tx.RollbackAsync(ct);
            return new IntakeResult(IntakeStatus.Duplicate, $"this {VcsIdentity(ev)!.Kind} was already received in another delivery; nothing new was done");
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// <param name="work">The unit of work over this transaction; its collected writes go into <paramref name="tail"/>.</param>
    private static async Task<IntakeResult> HandleAsync(IWorkflowTransaction work, SqlBatch tail, string provider, string deliveryId, string operationId, VcsEvent ev, CloneUrlPolicy cloneUrls, CancellationToken ct)
    {
        switch (ev)
        {
            case PingEvent:
                return new IntakeResult(IntakeStatus.Ignored, "pong");
            case IgnoredEvent ignored:
                return new IntakeResult(IntakeStatus.Ignored, ignored.Reason);
            case InstallationEvent installation:
                AddInstallation(tail, provider, installation);
                AuditLog.Add(tail, null, installation.Account, "installation-" + installation.Action, $"installation {installation.InstallationId}", deliveryId);
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
                return HandleComment(tail, provider, deliveryId, operationId, comment);
            case PullRequestReviewEvent { Approved: false }:
                return new IntakeResult(IntakeStatus.Ignored, "only approving reviews count");
            case PullRequestReviewEvent review:
                InboxRepository.Add(tail, new ReviewReceived(new PullRequestAddress(provider, review.Repo, review.Number), review.Reviewer, review.CommitSha, deliveryId));
                AuditLog.Add(tail, null, review.Reviewer, "review-approved", $"{review.Repo}#{review.Number} at {review.CommitSha}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, "approving review queued");
            default:
                return new IntakeResult(IntakeStatus.Ignored, $"event {ev.GetType().Name} is not handled");
        }
    }

    /// <summary>A comment only adds rows, so they all go into <paramref name="tail"/> with the delivery row.</summary>
    private static IntakeResult HandleComment(SqlBatch tail, string provider, string deliveryId, string operationId, PullRequestCommentEvent comment)
    {
        var command = CommentCommandParser.Parse(comment.Body);
        switch (command)
        {
            case null:
                return new IntakeResult(IntakeStatus.Ignored, "comment is not a TerraFlow command");
            case PlanCommand plan:
                InboxRepository.Add(tail, new PlanCommandReceived(new PullRequestAddress(provider, comment.Repo, comment.Number), plan.Project, comment.Author, deliveryId, operationId, comment.CreatedAt));
                AuditLog.Add(tail, null, comment.Author, "command-plan", $"{comment.Repo}#{comment.Number}: {comment.Body.Split('\n')[0].Trim()}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, "plan command queued");
            case HelpCommand:
                AddReply(tail, provider, deliveryId, comment, RunCommentRenderer.RenderHelp());
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
                InboxRepository.Add(tail, new LifecycleCommandReceived(new PullRequestAddress(provider, comment.Repo, comment.Number), command, comment.Author, deliveryId, comment.CreatedAt));
                AuditLog.Add(tail, null, comment.Author, "command-" + name, $"{comment.Repo}#{comment.Number}: {comment.Body.Split('\n')[0].Trim()}", deliveryId);
                return new IntakeResult(IntakeStatus.Accepted, name + " command queued");
            case InvalidCommand invalid:
                AddReply(tail, provider, deliveryId, comment, RunCommentRenderer.RenderCommandError(invalid.Message));
                return new IntakeResult(IntakeStatus.Accepted, "invalid command answered with help");
            default:
                return new IntakeResult(IntakeStatus.Ignored, $"command {command.GetType().Name} is not handled yet");
        }
    }

    private static void AddReply(SqlBatch tail, string provider, string deliveryId, PullRequestCommentEvent comment, string body)
    {
        // The delivery id makes the marker unique per command, so a retried send finds its earlier post.
        OutboxRepository.Add(tail, new ReplyMessage(provider, comment.Repo.Owner, comment.Repo.Name, comment.Repo.InstallationId, comment.Number,
            CommandReplies.Marker(deliveryId), body));
    }

    private static void AddInstallation(SqlBatch tail, string provider, InstallationEvent e) =>
        tail.Add("""
            insert into installations (provider, installation_id, account, last_action) values ($1, $2, $3, $4)
            on conflict (provider, installation_id) do update set account = excluded.account, last_action = excluded.last_action, updated_at = now()
            """, provider, e.InstallationId, e.Account, e.Action);

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
        PullRequestReviewEvent => "submitted",
        _ => null,
    };
}
