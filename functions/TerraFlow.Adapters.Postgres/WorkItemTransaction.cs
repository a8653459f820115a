using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Shared pieces of "one claimed row per transaction" processing (inbox and outbox): a savepoint to undo a failed
/// attempt while keeping the row locked, and the retry schedule for the next attempt.
/// </summary>
public static class WorkItemTransaction
{
    /// <summary>SQL for the next attempt's due time: 1 s, 2 s, 4 s … doubling per attempt, at most 5 minutes.</summary>
    public const string NextAttemptSql = "now() + least(interval '1 second' * power(2, attempts), interval '5 minutes')";

    /// <summary>The claim query followed by the savepoint, sent together. Read the claim's rows from the reader.</summary>
    public static NpgsqlBatch ClaimBatch(NpgsqlConnection conn, NpgsqlTransaction tx, string claimSql)
    {
        var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(claimSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("savepoint work_item"));
        return batch;
    }

    /// <summary>Undoes everything since the savepoint, including an aborted statement, so the failure can be recorded.</summary>
    public static Task RollbackToSavepointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        ExecAsync(conn, tx, "rollback to savepoint work_item", ct);

    /// <summary>A table of claimable work rows: how to retry a row later and how to give up on it.</summary>
    public sealed record WorkTable(string Name, string DueColumn, string GiveUpSet)
    {
        public static readonly WorkTable Inbox = new("workflow_inbox", "available_at", "processed_at = now()");
        public static readonly WorkTable Outbox = new("outbox", "next_attempt_at", "status = 'failed'");
    }

    /// <summary>
    /// Undoes the failed attempt (an aborted statement would fail the bookkeeping otherwise), keeps the row locked,
    /// and either schedules its next attempt or gives up on it, recording the error either way.
    /// </summary>
    public static async Task RecordFailureAsync(NpgsqlConnection conn, NpgsqlTransaction tx, WorkTable table, long id, string error, bool giveUp, CancellationToken ct)
    {
        await RollbackToSavepointAsync(conn, tx, ct);
        var next = giveUp ? table.GiveUpSet : $"{table.DueColumn} = {NextAttemptSql}";
        await ExecAsync(conn, tx, $"update {table.Name} set attempts = attempts + 1, last_error = $2, {next} where id = $1", ct, id, error);
    }

    /// <summary>Runs one statement with positional parameters ($1, $2, …) in the transaction.</summary>
    public static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
