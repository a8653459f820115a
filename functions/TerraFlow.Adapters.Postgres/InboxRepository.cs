using Npgsql;
using TerraFlow.Application.Messages;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Writes typed messages into the workflow engine's inbox (<see cref="InboxCodec"/> gives their stored form).</summary>
public static class InboxRepository
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, InboxMessage message, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, message);
        await batch.ExecuteAsync(ct);
    }

    public static void Add(SqlBatch batch, InboxMessage message)
    {
        var row = InboxCodec.Encode(message);
        batch.Add("insert into workflow_inbox (run_id, kind, payload) values ($1, $2, $3::jsonb)", SqlBatch.Bigint(row.RunId), row.Kind, row.Payload);
        batch.Notify("terraflow_inbox");
    }
}
