using TerraFlow.Adapters.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Processes the workflow inbox: each item (a job result or a plan command) in its own transaction that locks the
/// item and the run, decides, and writes the decision. A crash anywhere rolls back to "not processed"; the next
/// engine picks the item up again.
/// </summary>
public sealed class WorkflowEngine(NpgsqlDataSource dataSource, LifecycleCommandHandler lifecycle, PlanCommandHandler plans, TrustCheckHandler trust, ILogger<WorkflowEngine> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>Processes one due inbox item; false when there is none.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        InboxItem? item;
        // Claim and savepoint in one round trip; the savepoint lets a failed attempt be undone while the row stays locked.
        await using (var claim = WorkItemTransaction.ClaimBatch(conn, tx, """
            select id, kind, payload::text, attempts from workflow_inbox
            where processed_at is null and available_at <= now()
            order by available_at, id limit 1 for update skip locked
            """))
        await using (var r = await claim.ExecuteReaderAsync(ct))
            item = await r.ReadAsync(ct) ? new InboxItem(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3)) : null;
        if (item is null) return false;

        try
        {
            await HandleAsync(conn, tx, item, ct);
            await WorkItemTransaction.ExecAsync(conn, tx, "update workflow_inbox set processed_at = now() where id = $1", ct, item.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A poison item (too many attempts, or refused by the VCS host) is given up on and stays recorded.
            var giveUp = item.Attempts + 1 >= MaxAttempts || ex is VcsPermanentException;
            logger.LogError(ex, "Inbox item {Id} ({Kind}) failed on attempt {Attempt}{GiveUp}", item.Id, item.Kind, item.Attempts + 1, giveUp ? "; giving up" : "");
            await WorkItemTransaction.RecordFailureAsync(conn, tx, WorkItemTransaction.WorkTable.Inbox, item.Id, ex.Message, giveUp, ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task HandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, InboxItem item, CancellationToken ct)
    {
        switch (item.Kind)
        {
            case InboxKinds.JobResult:
                var result = StoreJson.Deserialize<JobResult>(item.Payload);
                RunEvent ev = result.Discovery is { } d ? new DiscoveryFinished(d)
                    : result.Plan is { } p ? new PlanFinished(p)
                    : result.Apply is { } a ? new ApplyFinished(a)
                    : throw new InvalidOperationException($"job result {result.JobId} carries no outcome");
                await RunTransitions.ApplyAsync(conn, tx, result.RunId, ev, "runner", null, ct);
                break;
            case InboxKinds.LifecycleCommand:
                await lifecycle.HandleCommandAsync(conn, tx, StoreJson.Deserialize<LifecycleCommandPayload>(item.Payload), ct);
                break;
            case InboxKinds.Review:
                await lifecycle.HandleReviewAsync(conn, tx, StoreJson.Deserialize<ReviewPayload>(item.Payload), ct);
                break;
            case InboxKinds.PlanCommand or InboxKinds.Replan:
                await plans.HandleAsync(conn, tx, StoreJson.Deserialize<PlanCommandPayload>(item.Payload), replan: item.Kind == InboxKinds.Replan, ct);
                break;
            case InboxKinds.TrustCheck:
                await trust.HandleAsync(conn, tx, StoreJson.Deserialize<TrustCheckPayload>(item.Payload), ct);
                break;
            default:
                throw new InvalidOperationException($"unknown inbox kind '{item.Kind}'");
        }
    }

    private sealed record InboxItem(long Id, string Kind, string Payload, int Attempts);
}
