using Npgsql;
using TerraFlow.Application.Approvals;

namespace TerraFlow.Adapters.Postgres;

/// <summary><see cref="IServiceSecrets"/> in table <c>service_secrets</c>: insert if absent, then read the row that won.</summary>
internal sealed class PostgresServiceSecrets(NpgsqlDataSource db) : IServiceSecrets
{
    public async Task<(byte[] Value, bool Added)> GetOrAddAsync(string name, byte[] candidate, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        bool added;
        await using (var insert = new NpgsqlCommand("insert into service_secrets (name, value) values ($1, $2) on conflict (name) do nothing", conn))
        {
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(candidate);
            added = await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        await using var select = new NpgsqlCommand("select value from service_secrets where name = $1", conn);
        select.Parameters.AddWithValue(name);
        var value = (byte[])(await select.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"The service secret '{name}' vanished after it was inserted."));
        return (value, added);
    }
}
