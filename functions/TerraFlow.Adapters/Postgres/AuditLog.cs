using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Appends audit events: who did what to which run, when, and from which delivery.</summary>
public static class AuditLog
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? runId, string actor, string action, string detail, string? deliveryId, CancellationToken ct)
    {
        const string sql = "insert into audit_events (run_id, actor, action, detail, delivery_id) values ($1, $2, $3, $4, $5)";
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(actor);
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(detail);
        cmd.Parameters.Add(RunRepository.Text(deliveryId));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
