using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TerraFlow.Application.Approvals;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// <see cref="ISignInStateLedger"/> in table <c>used_sign_in_states</c>, keyed by the state's hash. Rows outlive the
/// state's own expiry only until the next claim prunes them (an expired state is refused before it gets here).
/// </summary>
internal sealed class PostgresSignInStateLedger(NpgsqlDataSource db) : ISignInStateLedger
{
    public async Task<bool> TryClaimAsync(SignInState state, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("delete from used_sign_in_states where expires_at < $1") { Parameters = { new() { Value = now } } },
                new NpgsqlBatchCommand("insert into used_sign_in_states (state_hash, expires_at) values ($1, $2) on conflict do nothing")
                {
                    Parameters = { new() { Value = SHA256.HashData(Encoding.UTF8.GetBytes(state.State)) }, new() { Value = state.ExpiresAt } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[1].RecordsAffected == 1;
    }
}
