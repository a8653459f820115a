using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Starts a new run for a <c>terraflow plan</c> comment (the commenter needs at least read access to the repository:
/// a plan runs the pull request's code on a runner with the project's credentials) or for a re-plan after a lock
/// reached the pull request (no person asked; autoplan rules apply).
/// </summary>
public sealed class PlanCommandHandler(VcsClients vcs, CloneUrlPolicy cloneUrls)
{
    public async Task HandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PlanCommandPayload command, bool replan, CancellationToken ct)
    {
        var client = vcs.For(command.Provider);
        var repo = new RepoRef(command.Owner, command.Repo, command.InstallationId);
        if (!replan && await client.GetPermissionAsync(repo, command.Author, ct) < RepoPermission.Read)
        {
            var reason = $"@{command.Author} needs at least read access to the repository to run `terraflow plan`";
            await CommandReplies.AddAsync(conn, tx, command.Provider, repo, command.Number, command.DeliveryId, Replies.Refused("plan", [reason]), ct);
            await AuditLog.WriteAsync(conn, tx, null, command.Author, "refused", $"plan on {repo}#{command.Number}: {reason}", command.DeliveryId, ct);
            return;
        }

        var pr = await client.GetPullRequestAsync(repo, command.Number, ct);
        if (!pr.Open)
        {
            await AuditLog.WriteAsync(conn, tx, null, command.Author, "ignored", $"plan command on closed {repo}#{command.Number}", command.DeliveryId, ct);
            return;
        }
        var newRun = new RunRepository.NewRun(command.Provider, pr with { Repo = repo }, command.Project, Explicit: !replan, OperationId: command.OperationId ?? command.DeliveryId);
        var tail = new SqlBatch(conn, tx);
        await RunTransitions.StartRunAsync(conn, tx, newRun, command.Author, command.DeliveryId, tail, cloneUrls, ct);
        await tail.ExecuteAsync(ct);
        TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", replan ? "lock-released" : "command"));
    }
}
