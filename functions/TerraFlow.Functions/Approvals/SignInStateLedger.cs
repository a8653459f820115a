using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TerraFlow.Core.Approvals;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// Makes an OAuth sign-in state single-use on the server (table <c>used_sign_in_states</c>): the first callback that
/// presents a state claims it; every later one, whatever code it carries, is refused. Clearing the cookie only asks
/// the browser to forget it; a copied cookie would otherwise sign in again until it expires. Rows outlive the state's
/// own expiry only until the next claim prunes them (an expired state is refused before it gets here).
/// </summary>
public sealed class SignInStateLedger(NpgsqlDataSource db)
{
    /// <summary>True when this call is the first to use <paramref name="state"/>; false when it was used before.</summary>
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
