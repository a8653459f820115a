using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Ports;
using TerraFlow.Application.Replies;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Starts a new run for a <c>terraflow plan</c> comment or for a re-plan after a lock reached the pull request (no
/// person asked; autoplan rules apply). The commenter needs write access: a plan runs the pull request's code on a
/// runner with the project's credentials. On a pull request TerraFlow does not trust (a fork, or an author without
/// write access) the comment authorizes exactly the head commit the pull request had when the comment was written;
/// every run still passes the trust check (<see cref="TrustCheckHandler"/>) before its first job.
/// </summary>
public sealed class PlanCommandHandler(VcsClients vcs, TerraFlowOptions options, CloneUrlPolicy cloneUrls)
{
    public async Task HandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PlanCommandPayload command, bool replan, CancellationToken ct)
    {
        var client = vcs.For(command.Provider);
        var repo = new RepoRef(command.Owner, command.Repo, command.InstallationId);
        if (!replan && await client.GetPermissionAsync(repo, command.Author, ct) < RepoPermission.Write)
        {
            await RefuseAsync(conn, tx, command, repo,
                $"@{command.Author} needs write access to the repository to run `terraflow plan`: a plan runs the pull request's code with this repository's credentials", ct);
            return;
        }

        var pr = await client.GetPullRequestAsync(repo, command.Number, ct);
        if (!pr.Open)
        {
            await AuditLog.WriteAsync(conn, tx, null, command.Author, "ignored", $"plan command on closed {repo}#{command.Number}", command.DeliveryId, ct);
            return;
        }
        if (!replan && options.PullRequests.ForkPlans == ForkPlanMode.Authorize
            && (pr.FromFork || await client.GetPermissionAsync(repo, pr.Author, ct) < RepoPermission.Write))
        {
            // The maintainer reviewed the commits that were there when they wrote the comment, not ones pushed since.
            if (command.WrittenAt is { } written
                && await PlanAuthorizations.HeadAtAsync(conn, tx, command.Provider, repo, command.Number, written, ct) is { } headThen
                && !string.Equals(headThen, pr.HeadSha, StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(conn, tx, command, repo,
                    $"the pull request received new commits after your comment (its head was `{Short(headThen)}`, now it is `{Short(pr.HeadSha)}`); " +
                    "review them and comment `terraflow plan` again to authorize the new head", ct);
                return;
            }
            await PlanAuthorizations.AddAsync(conn, tx, command.Provider, repo, command.Number, pr.HeadSha, command.Author, command.DeliveryId, ct);
            await AuditLog.WriteAsync(conn, tx, null, command.Author, "authorized", $"{repo}#{command.Number} at {pr.HeadSha}", command.DeliveryId, ct);
        }

        var newRun = new RunRepository.NewRun(command.Provider, pr with { Repo = repo }, command.Project, Explicit: !replan, OperationId: command.OperationId ?? command.DeliveryId);
        var tail = new SqlBatch(conn, tx);
        await RunTransitions.StartRunAsync(conn, tx, newRun, command.Author, command.DeliveryId, tail, cloneUrls, ct);
        await tail.ExecuteAsync(ct);
        TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", replan ? "lock-released" : "command"));
    }

    private static async Task RefuseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PlanCommandPayload command, RepoRef repo, string reason, CancellationToken ct)
    {
        await OutboxRepository.AddAsync(conn, tx, CommandReplies.For(new PullRequestAddress(command.Provider, repo, command.Number), command.DeliveryId, Replies.Refused("plan", [reason])), ct);
        await AuditLog.WriteAsync(conn, tx, null, command.Author, "refused", $"plan on {repo}#{command.Number}: {reason}", command.DeliveryId, ct);
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
