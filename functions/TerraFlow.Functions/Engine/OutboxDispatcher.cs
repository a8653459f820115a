using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Sends outbox rows to the VCS host. One row per transaction, locked with SKIP LOCKED so several dispatchers share the
/// work; a per-run advisory lock keeps two dispatchers from editing the same run's comment at once. Transient failures
/// retry with exponential backoff; a permanent refusal (4xx) is recorded and not retried. A status effect that may have
/// been sent before (a failed attempt, or a row older than this process: its sender may have crashed between the POST
/// and the commit) first reads the commit's statuses and is not sent again when the same state and description are
/// already visible; a first attempt costs no extra request.
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, VcsClients vcs, CommentSync comments, TerraFlowOptions options, ILogger<OutboxDispatcher> logger)
{
    private const int MaxAttempts = 15;

    /// <summary>When this host's dispatcher was made: rows created before may have been attempted by a host that died mid-send.</summary>
    private readonly DateTime _startedAt = DateTime.UtcNow;

    public async Task<bool> DispatchNextAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        Row? row;
        // Claim and savepoint in one round trip; the savepoint lets a failed attempt be undone while the row stays locked.
        await using (var claim = WorkItemTransaction.ClaimBatch(conn, tx, """
            select id, run_id, kind, payload::text, attempts, created_at from outbox
            where status = 'pending' and next_attempt_at <= now()
            order by next_attempt_at, id limit 1 for update skip locked
            """))
        await using (var r = await claim.ExecuteReaderAsync(ct))
            row = await r.ReadAsync(ct) ? new Row(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetDateTime(5)) : null;
        if (row is null) return false;

        try
        {
            await SendAsync(conn, tx, row, ct);
            await WorkItemTransaction.ExecAsync(conn, tx, "update outbox set status = 'done', done_at = now(), attempts = attempts + 1 where id = $1", ct, row.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Comment ids the attempt saved are undone too, which is safe: the retry finds those comments by their marker.
            var permanent = ex is VcsPermanentException || row.Attempts + 1 >= MaxAttempts;
            logger.LogWarning("Outbox {Id} ({Kind}, run {RunId}) failed on attempt {Attempt}: {Error}{Final}",
                row.Id, row.Kind, row.RunId, row.Attempts + 1, ex.Message, permanent ? " (not retried)" : "");
            await WorkItemTransaction.RecordFailureAsync(conn, tx, WorkItemTransaction.WorkTable.Outbox, row.Id, ex.Message, permanent, ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Row row, CancellationToken ct)
    {
        switch (row.Kind)
        {
            case OutboxKinds.SyncComment:
                var runId = row.RunId ?? throw new InvalidOperationException("sync_comment without run");
                // Two-key advisory lock: the first key says "comment of run", the second is the run id.
                await WorkItemTransaction.ExecAsync(conn, tx, "select pg_advisory_xact_lock(1952805486, ($1 % 2147483647)::int)", ct, runId);
                // Coalesce first, render second: the run's other pending syncs are claimed before the state is read,
                // and each was committed together with the state change it announces, so the render below includes
                // all of them. (Claiming them after rendering could swallow a change committed in between.)
                await WorkItemTransaction.ExecAsync(conn, tx, """
                    update outbox set status = 'done', done_at = now()
                    where id in (select id from outbox where run_id = $1 and kind = 'sync_comment' and status = 'pending' for update skip locked)
                    """, ct, runId);
                await comments.SyncAsync(conn, tx, runId, ct);
                break;
            case OutboxKinds.SetStatus:
                var status = StoreJson.Deserialize<SetStatusPayload>(row.Payload);
                var state = Enum.Parse<CommitState>(status.State);
                // With a public URL, the status links to the run's JSON (the run page comes with approvals).
                var link = options.PublicUrl is { Length: > 0 } url && row.RunId is { } id ? $"{url.TrimEnd('/')}/api/runs/{id}" : null;
                var statusRepo = new RepoRef(status.Owner, status.Repo, status.InstallationId);
                var statusClient = vcs.For(StoredProvider.Of(status.Provider));
                var wanted = new CommitStatus(status.Context, state, status.Description, link);
                if ((row.Attempts > 0 || row.CreatedAt < _startedAt) && statusClient is ICommitStatusReader reader &&
                    await AlreadyVisibleAsync(reader, statusRepo, status.Sha, wanted, ct))
                {
                    logger.LogInformation("Outbox {Id}: status '{Context}' on {Sha} is already {State} on the VCS host; not sent again",
                        row.Id, status.Context, status.Sha, status.State);
                    break;
                }
                await statusClient.SetCommitStatusAsync(statusRepo, status.Sha, wanted, ct);
                break;
            case OutboxKinds.Reply:
                var reply = StoreJson.Deserialize<ReplyPayload>(row.Payload);
                var repo = new RepoRef(reply.Owner, reply.Repo, reply.InstallationId);
                var host = vcs.For(reply.Provider);
                var existing = await host.ListCommentsAsync(repo, reply.Number, ct);
                // Only TerraFlow's own earlier post counts: a comment anyone wrote with the marker must not silence the reply.
                var self = await host.GetOwnLoginAsync(repo, ct);
                if (!existing.Any(c => OwnComments.IsOwn(c, self) && c.Body.Contains(reply.Marker, StringComparison.Ordinal)))
                    await host.CreateCommentAsync(repo, reply.Number, reply.Marker + "\n" + reply.Body, ct);
                break;
            default:
                throw new VcsPermanentException($"unknown outbox kind '{row.Kind}'", 0);
        }
    }

    /// <summary>Same context, state and description (hosts may shorten long descriptions and end them with "…").</summary>
    private static async Task<bool> AlreadyVisibleAsync(ICommitStatusReader reader, RepoRef repo, string sha, CommitStatus wanted, CancellationToken ct)
    {
        var visible = (await reader.GetLatestStatusesAsync(repo, sha, ct)).FirstOrDefault(s => s.Context == wanted.Context);
        if (visible is null || visible.State != wanted.State) return false;
        return visible.Description == wanted.Description ||
               (visible.Description.EndsWith('…') && wanted.Description.StartsWith(visible.Description[..^1], StringComparison.Ordinal));
    }

    private sealed record Row(long Id, long? RunId, string Kind, string Payload, int Attempts, DateTime CreatedAt);
}
