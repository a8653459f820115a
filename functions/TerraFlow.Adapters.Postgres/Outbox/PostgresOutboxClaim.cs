using Npgsql;
using TerraFlow.Application.Outbox;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// One claimed outbox row: the row's advisory lock (and, for a comment sync, the run's) held on this connection,
/// with no transaction open. The outcome is written in one short transaction; disposing releases the locks.
/// </summary>
internal sealed class PostgresOutboxClaim(NpgsqlConnection conn, OutboxItem item) : IOutboxClaim
{
    /// <summary>SQL for the next attempt's due time: 1 s, 2 s, 4 s … doubling per attempt, at most 5 minutes.</summary>
    private const string NextAttemptSql = "now() + least(interval '1 second' * power(2, attempts), interval '5 minutes')";

    private const string TryLockRunCommentSql = "select pg_try_advisory_lock($1, ($2 % 2147483647)::int)";

    /// <summary>How often a sync whose run's comment is being edited by another dispatcher asks again.</summary>
    private static readonly TimeSpan RunCommentRetry = TimeSpan.FromMilliseconds(50);

    // Read after the run's lock is held: a sync that covered this row committed before it released that lock.
    private const string CoveredSyncsSql = """
        select id from outbox where run_id = $1 and kind = 'sync_comment' and status = 'pending'
        """;

    private const string CompleteSql = """
        update outbox set status = 'done', done_at = now(), attempts = attempts + case when id = $1 then 1 else 0 end
        where id = any($2) and status = 'pending'
        """;

    private const string SaveCommentIdsSql = "update runs set comment_ids = $2 where id = $1";

    private const string FailSql = "update outbox set attempts = attempts + 1, last_error = $2, next_attempt_at = " + NextAttemptSql + " where id = $1 and status = 'pending'";

    private const string GiveUpSql = "update outbox set attempts = attempts + 1, last_error = $2, status = 'failed' where id = $1 and status = 'pending'";

    private long[] _covers = [item.Id];

    public OutboxItem Item => item;

    public async Task<bool> HoldRunCommentAsync(CancellationToken ct)
    {
        var runId = item.Message.RunId ?? throw new InvalidOperationException($"outbox {item.Id} has no run");
        // Asked again and again rather than waited for in one statement: a statement blocked on a lock is a
        // transaction open for as long as the other dispatcher's VCS calls take.
        while (!await TryLockRunCommentAsync(runId, ct)) await Task.Delay(RunCommentRetry, ct);
        var pending = new List<long>();
        await using (var read = new NpgsqlCommand(CoveredSyncsSql, conn))
        {
            read.Parameters.AddWithValue(runId);
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) pending.Add(r.GetInt64(0));
        }
        if (!pending.Contains(item.Id)) return false;
        _covers = [.. pending];
        return true;
    }

    private async Task<bool> TryLockRunCommentAsync(long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(TryLockRunCommentSql, conn);
        cmd.Parameters.AddWithValue(PostgresOutboxQueue.RunCommentLockClass);
        cmd.Parameters.AddWithValue(runId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task CompleteAsync(RunCommentIds? commentIds, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        var complete = new NpgsqlBatchCommand(CompleteSql);
        complete.Parameters.AddWithValue(item.Id);
        complete.Parameters.AddWithValue(_covers);
        batch.BatchCommands.Add(complete);
        if (commentIds is not null)
        {
            var save = new NpgsqlBatchCommand(SaveCommentIdsSql);
            save.Parameters.AddWithValue(commentIds.RunId);
            save.Parameters.AddWithValue(commentIds.Ids.ToArray());
            batch.BatchCommands.Add(save);
        }
        // A batch without an explicit transaction runs as one implicit transaction: both writes or neither.
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task FailAsync(string error, bool giveUp, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(giveUp ? GiveUpSql : FailSql, conn);
        cmd.Parameters.AddWithValue(item.Id);
        cmd.Parameters.AddWithValue(error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync(conn));

    /// <summary>Releases every advisory lock the connection holds and returns it to the pool.</summary>
    internal static async Task ReleaseAsync(NpgsqlConnection conn)
    {
        try
        {
            if (conn.State == System.Data.ConnectionState.Open)
            {
                await using var cmd = new NpgsqlCommand("select pg_advisory_unlock_all()", conn);
                // Not cancellable: a pooled connection must not keep a claim into its next use.
                await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (NpgsqlException)
        {
            // The connection broke; the server released its locks with the session.
        }
        finally
        {
            await conn.DisposeAsync();
        }
    }

    internal static async Task UnlockAsync(NpgsqlConnection conn, int lockClass, long key)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1, ($2 % 2147483647)::int)", conn);
        cmd.Parameters.AddWithValue(lockClass);
        cmd.Parameters.AddWithValue(key);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
