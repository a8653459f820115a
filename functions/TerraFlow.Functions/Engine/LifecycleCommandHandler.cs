using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Ports;
using TerraFlow.Application.Replies;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Turns lifecycle commands (<c>terraflow apply | approve | unlock | approve-policies</c>) and approving reviews into
/// run events for the pull request's latest run, with facts read from the VCS host just before deciding.
/// </summary>
public sealed class LifecycleCommandHandler(PullRequestFactsReader facts, TimeProvider time)
{
    public async Task HandleCommandAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LifecycleCommandPayload c, CancellationToken ct)
    {
        var repo = new RepoRef(c.Owner, c.Repo, c.InstallationId);
        var runId = await RunRepository.LatestRunIdAsync(conn, tx, c.Provider, repo, c.Number, ct);
        if (runId is null)
        {
            await OutboxRepository.AddAsync(conn, tx, CommandReplies.For(new PullRequestAddress(c.Provider, repo, c.Number), c.DeliveryId,
                Replies.Refused(c.Command, ["this pull request has no TerraFlow plan yet; comment `terraflow plan` first"])), ct);
            return;
        }
        var run = (await RunRepository.LoadAsync(conn, tx, runId.Value, forUpdate: false, ct))!;
        var actor = await facts.ReadActorAsync(c.Provider, repo, c.Author, run.State, ct);
        RunEvent ev = c.Command switch
        {
            "apply" => new ApplyRequested(actor, c.Project, await facts.ReadPullRequestAsync(c.Provider, repo, c.Number, ct), LockView.Empty),
            // The approval binds to the plan that was posted when the comment was written (see ApprovalDecisions).
            "approve" => new ApprovalSubmitted(actor, ApprovalSource.Comment, c.Project, null, time.GetUtcNow(), await facts.ReadPullRequestAsync(c.Provider, repo, c.Number, ct)) { WrittenAt = c.WrittenAt },
            "approve-policies" => new PolicyOverrideRequested(actor, c.Project, time.GetUtcNow(), await facts.ReadPullRequestAsync(c.Provider, repo, c.Number, ct)),
            "unlock" => new UnlockRequested(actor, c.Project),
            _ => throw new InvalidOperationException($"unknown lifecycle command '{c.Command}'"),
        };
        await RunTransitions.ApplyAsync(conn, tx, runId.Value, ev, c.Author, c.DeliveryId, ct);
    }

    public async Task HandleReviewAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ReviewPayload r, CancellationToken ct)
    {
        var repo = new RepoRef(r.Owner, r.Repo, r.InstallationId);
        var runId = await RunRepository.LatestRunIdAsync(conn, tx, r.Provider, repo, r.Number, ct);
        var run = runId is null ? null : await RunRepository.LoadAsync(conn, tx, runId.Value, forUpdate: false, ct);
        if (run is null || !string.Equals(run.State.HeadSha, r.CommitSha, StringComparison.OrdinalIgnoreCase))
        {
            // A review of an older commit approves code that is no longer the plan's.
            await AuditLog.WriteAsync(conn, tx, runId, r.Reviewer, "ignored", $"review of {r.CommitSha} does not match the current plan", r.DeliveryId, ct);
            return;
        }
        var actor = await facts.ReadActorAsync(r.Provider, repo, r.Reviewer, run.State, ct);
        var ev = new ApprovalSubmitted(actor, ApprovalSource.Review, null, null, time.GetUtcNow(), await facts.ReadPullRequestAsync(r.Provider, repo, r.Number, ct));
        await RunTransitions.ApplyAsync(conn, tx, runId!.Value, ev, r.Reviewer, r.DeliveryId, ct);
    }
}
