using Npgsql;
using TerraFlow.Application.Outbox;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Writes outbox rows (in the caller's transaction) and wakes the dispatchers. Dispatch is idempotent for each kind.</summary>
public static class OutboxRepository
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, OutboxMessage message, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, message);
        await batch.ExecuteAsync(ct);
    }

    public static void Add(SqlBatch batch, OutboxMessage message)
    {
        var (kind, payload) = OutboxMessageCodec.Encode(message);
        batch.Add("insert into outbox (run_id, kind, payload) values ($1, $2, $3::jsonb)", SqlBatch.Bigint(message.RunId), kind, payload);
        batch.Notify("terraflow_outbox");
    }
}
