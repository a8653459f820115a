using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Decides, before a new run's first job, whether its pull request may run at all (<see cref="PullRequestTrust"/>):
/// a trusted one gets its discover job; an untrusted one either waits for a maintainer's <c>terraflow plan</c> (its
/// comment says why) or, with <c>ForkPlans=restricted</c>, runs with every job marked <c>Untrusted</c>.
/// </summary>
public sealed class TrustCheckHandler(VcsClients vcs, TerraFlowOptions options)
{
    public async Task HandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TrustCheckPayload check, CancellationToken ct)
    {
        var run = await RunRepository.LoadAsync(conn, tx, check.RunId, forUpdate: true, ct);
        if (run is null || run.State.Status != RunStatus.Discovering)
        {
            // A newer push superseded it (or the pull request closed) before the check: nothing to start.
            await AuditLog.WriteAsync(conn, tx, check.RunId, "terraflow", "ignored", "trust check of a run that is no longer starting", check.DeliveryId, ct);
            return;
        }
        var c = run.Context;
        var client = vcs.For(c.Provider);
        var participants = new List<Participant> { new(check.Author, await client.GetPermissionAsync(c.Repo, check.Author, ct)) };
        if (check.Pusher is { } pusher && !string.Equals(pusher, check.Author, StringComparison.OrdinalIgnoreCase))
            participants.Add(new Participant(pusher, await client.GetPermissionAsync(c.Repo, pusher, ct)));
        var authorizedBy = await PlanAuthorizations.FindAsync(conn, tx, c.Provider, c.Repo, c.PullRequestNumber, c.HeadSha, ct);
        var decision = PullRequestTrust.Decide(check.FromFork, participants, authorizedBy is not null, options.PullRequests.ForkPlans, c.HeadSha);

        switch (decision.Verdict)
        {
            case TrustVerdict.Trusted:
                await JobRepository.EnqueueAsync(conn, tx, DecisionWriter.DiscoverJob(c), ct);
                if (authorizedBy is not null)
                    await AuditLog.WriteAsync(conn, tx, c.RunId, authorizedBy, "authorized", $"{c.HeadSha} planned on @{authorizedBy}'s authorization", check.DeliveryId, ct);
                break;
            case TrustVerdict.Restricted:
                await using (var mark = new NpgsqlCommand("update runs set untrusted = true, updated_at = now() where id = $1", conn, tx))
                {
                    mark.Parameters.AddWithValue(c.RunId);
                    await mark.ExecuteNonQueryAsync(ct);
                }
                await JobRepository.EnqueueAsync(conn, tx, DecisionWriter.DiscoverJob(c with { Untrusted = true }), ct);
                await AuditLog.WriteAsync(conn, tx, c.RunId, "terraflow", "untrusted", decision.Reason!, check.DeliveryId, ct);
                break;
            default:
                await RunTransitions.ApplyAsync(conn, tx, c.RunId, new AuthorizationRequired(decision.Reason!), "terraflow", check.DeliveryId, ct);
                break;
        }
    }
}
