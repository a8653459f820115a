using Npgsql;
using NpgsqlTypes;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Runs an insert and a <c>pg_notify</c> in one round trip. PostgreSQL delivers the notification only when the
/// transaction commits, so a woken worker always finds the row.
/// </summary>
internal static class Notifying
{
    public static async Task<object?> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string channel, string insertSql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        var insert = new NpgsqlBatchCommand(insertSql);
        foreach (var p in parameters) insert.Parameters.Add(p);
        batch.BatchCommands.Add(insert);
        var notify = new NpgsqlBatchCommand("select pg_notify($1, '')");
        notify.Parameters.Add(new NpgsqlParameter { Value = channel });
        batch.BatchCommands.Add(notify);
        return await batch.ExecuteScalarAsync(ct);
    }

    /// <summary>The inbox and the outbox share a shape: (run_id, kind, payload) plus a wake-up on their channel.</summary>
    public static Task InsertWorkRowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string channel, long? runId, string kind, object payload, CancellationToken ct) =>
        InsertAsync(conn, tx, channel, $"insert into {table} (run_id, kind, payload) values ($1, $2, $3::jsonb)",
        [
            new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = kind },
            new NpgsqlParameter { Value = StoreJson.Serialize(payload) },
        ], ct);
}
