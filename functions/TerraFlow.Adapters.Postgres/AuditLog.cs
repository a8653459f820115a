using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Appends audit events: who did what to which run, when, and from which delivery.</summary>
public static class AuditLog
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? runId, string actor, string action, string detail, string? deliveryId, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, runId, actor, action, detail, deliveryId);
        await batch.ExecuteAsync(ct);
    }

    public static void Add(SqlBatch batch, long? runId, string actor, string action, string detail, string? deliveryId) =>
        batch.Add("insert into audit_events (run_id, actor, action, detail, delivery_id) values ($1, $2, $3, $4, $5)",
            SqlBatch.Bigint(runId), actor, action, detail, SqlBatch.Text(deliveryId));
}
