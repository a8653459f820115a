using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>The SQL of <c>approval_tokens_used</c>: one row per approval link that approved (its token id is the key).</summary>
internal static class ApprovalTokens
{
    public static async Task<string?> SpentByAsync(NpgsqlConnection conn, string tokenId, CancellationToken ct)
    {
        await using var used = new NpgsqlCommand("select approver from approval_tokens_used where token_id = $1", conn);
        used.Parameters.AddWithValue(tokenId);
        return await used.ExecuteScalarAsync(ct) as string;
    }

    public static async Task<bool> TrySpendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string tokenId, long runId, string project, string approver, CancellationToken ct)
    {
        await using var spend = new NpgsqlCommand(
            "insert into approval_tokens_used (token_id, run_id, project, approver) values ($1, $2, $3, $4) on conflict do nothing", conn, tx);
        spend.Parameters.AddWithValue(tokenId);
        spend.Parameters.AddWithValue(runId);
        spend.Parameters.AddWithValue(project);
        spend.Parameters.AddWithValue(approver);
        return await spend.ExecuteNonQueryAsync(ct) > 0;
    }
}
