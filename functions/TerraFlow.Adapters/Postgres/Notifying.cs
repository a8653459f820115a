using Npgsql;

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
}
