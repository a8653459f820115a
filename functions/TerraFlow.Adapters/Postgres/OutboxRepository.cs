using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Outbox kinds and their payloads. Dispatch is idempotent for each kind.</summary>
public static class OutboxKinds
{
    /// <summary>Bring the run's PR comment(s) up to date. Coalesced: one sync covers every pending one of the run.</summary>
    public const string SyncComment = "sync_comment";

    public const string SetStatus = "set_status";

    /// <summary>A standalone reply (help, command errors), identified by a marker so a retry never posts twice.</summary>
    public const string Reply = "reply";
}

public sealed record SetStatusPayload(string Sha, string Context, string State, string Description);

public sealed record ReplyPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Marker, string Body);

public static class OutboxRepository
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? runId, string kind, object payload, CancellationToken ct)
    {
        await Notifying.InsertAsync(conn, tx, "terraflow_outbox", "insert into outbox (run_id, kind, payload) values ($1, $2, $3::jsonb)",
        [
            new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = kind },
            new NpgsqlParameter { Value = StoreJson.Serialize(payload) },
        ], ct);
    }
}
