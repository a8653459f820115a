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

/// <summary>
/// Carries the repository so that sending the status needs no database read. <paramref name="Provider"/> is null in
/// rows written before statuses named their provider (they were all for the original provider; see VcsProviderNames).
/// </summary>
public sealed record SetStatusPayload(string Owner, string Repo, long? InstallationId, string Sha, string Context, string State, string Description,
    string? Provider = null);

public sealed record ReplyPayload(string Provider, string Owner, string Repo, long? InstallationId, int Number, string Marker, string Body);

public static class OutboxRepository
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? runId, string kind, object payload, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        Add(batch, runId, kind, payload);
        await batch.ExecuteAsync(ct);
    }

    public static void Add(SqlBatch batch, long? runId, string kind, object payload)
    {
        batch.Add("insert into outbox (run_id, kind, payload) values ($1, $2, $3::jsonb)", SqlBatch.Bigint(runId), kind, StoreJson.Serialize(payload));
        batch.Notify("terraflow_outbox");
    }
}
