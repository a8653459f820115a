using Npgsql;
using TerraFlow.Application.Outbox;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// One claimed outbox row: the row's advisory lock (and, for a comment sync, the run's) held on this connection,
/// with no transaction open. The outcome is written in one short transaction and the locks are released right after
/// it commits, in the same round trip; disposing releases them when no outcome was written.
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

    private const string UnlockAllSql = "select pg_advisory_unlock_all()";

    private long[] _covers = [item.Id];

    /// <summary>True once the outcome's round trip also released the locks.</summary>
    private bool _released;

    public OutboxItem Item => item;

    public async Task<bool> HoldRunCommentAsync(CancellationToken ct)
    {
        var runId = item.Message.RunId ?? throw new InvalidOperationException($"outbox {item.Id} has no run");
        // Asked again and again rather than waited for in one statement: a statement blocked on a lock is a
        // transaction open for as long as the other dispatcher's VCS calls take.
        List<long>? pending;
        while ((pending = await TryLockRunCommentAsync(runId, ct)) is null) await Task.Delay(RunCommentRetry, ct);
        if (!pending.Contains(item.Id)) return false;
        _covers = [.. pending];
        return true;
    }

    /// <summary>
    /// Takes the run's comment lock and reads its pending syncs in one round trip (the read is a later statement, so
    /// its snapshot is taken after the lock is held); null when another dispatcher holds the lock.
    /// </summary>
    private async Task<List<long>?> TryLockRunCommentAsync(long runId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        var tryLock = new NpgsqlBatchCommand(TryLockRunCommentSql);
        tryLock.Parameters.AddWithValue(PostgresOutboxQueue.RunCommentLockClass);
        tryLock.Parameters.AddWithValue(runId);
        var covered = new NpgsqlBatchCommand(CoveredSyncsSql);
        covered.Parameters.AddWithValue(runId);
        batch.BatchCommands.Add(tryLock);
        batch.BatchCommands.Add(covered);
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        if (!r.GetBoolean(0)) return null;
        await r.NextResultAsync(ct);
        var pending = new List<long>();
        while (await r.ReadAsync(ct)) pending.Add(r.GetInt64(0));
        return pending;
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
        // The statements before the barrier run as one implicit transaction (both writes or neither), which the
        // barrier (a Sync) commits before the locks are released: the next holder's read sees the row done.
        await ExecuteThenUnlockAsync(batch, ct);
    }

    public async Task FailAsync(string error, bool giveUp, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        var fail = new NpgsqlBatchCommand(giveUp ? GiveUpSql : FailSql);
        fail.Parameters.AddWithValue(item.Id);
        fail.Parameters.AddWithValue(error);
        batch.BatchCommands.Add(fail);
        await ExecuteThenUnlockAsync(batch, ct);
    }

    private async Task ExecuteThenUnlockAsync(NpgsqlBatch batch, CancellationToken ct)
    {
        batch.BatchCommands[^1].AppendErrorBarrier = true;
        batch.BatchCommands.Add(new NpgsqlBatchCommand(UnlockAllSql));
        await batch.ExecuteNonQueryAsync(ct);
        _released = true;
    }

    public ValueTask DisposeAsync() => _released ? conn.DisposeAsync() : new(ReleaseAsync(conn));

    /// <summary>Releases every advisory lock the connection holds and returns it to the pool.</summary>
    internal static async Task ReleaseAsync(NpgsqlConnection conn)
    {
        try
        {
            if (conn.State == System.Data.ConnectionState.Open)
            {
                await using var cmd = new NpgsqlCommand(UnlockAllSql, conn);
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
