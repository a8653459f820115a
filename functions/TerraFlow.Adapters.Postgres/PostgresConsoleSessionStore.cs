using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TerraFlow.Application.Access;

namespace TerraFlow.Adapters.Postgres;

/// <summary><see cref="IConsoleSessionStore"/> in table <c>console_sessions</c>, keyed by the session id's SHA-256.</summary>
internal sealed class PostgresConsoleSessionStore(NpgsqlDataSource db) : IConsoleSessionStore
{
    public async Task StartAsync(string sessionId, ConsoleUser user, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                // Pruning rides along with each sign-in, so the table holds roughly the live sessions.
                new NpgsqlBatchCommand("delete from console_sessions where expires_at < $1") { Parameters = { new() { Value = now } } },
                new NpgsqlBatchCommand("insert into console_sessions (session_hash, identity_provider, login, created_at, expires_at) values ($1, $2, $3, $4, $5)")
                {
                    Parameters =
                    {
                        new() { Value = Hash(sessionId) }, new() { Value = user.IdentityProvider }, new() { Value = user.Login },
                        new() { Value = now }, new() { Value = expiresAt },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> IsActiveAsync(string sessionId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select 1 from console_sessions where session_hash = $1 and expires_at > $2 and signed_out_at is null");
        cmd.Parameters.AddWithValue(Hash(sessionId));
        cmd.Parameters.AddWithValue(now);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task EndAsync(string sessionId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update console_sessions set signed_out_at = $2 where session_hash = $1 and signed_out_at is null");
        cmd.Parameters.AddWithValue(Hash(sessionId));
        cmd.Parameters.AddWithValue(now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static byte[] Hash(string sessionId) => SHA256.HashData(Encoding.UTF8.GetBytes(sessionId));
}

/// <summary><see cref="IRepositoryInstallations"/> from table <c>repositories</c> (filled from webhooks).</summary>
internal sealed class PostgresRepositoryInstallations(NpgsqlDataSource db) : IRepositoryInstallations
{
    public async Task<long?> FindInstallationAsync(string provider, string owner, string? name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select installation_id from repositories where provider = $1 and lower(owner) = lower($2) and ($3::text is null or lower(name) = lower($3)) " +
            "and installation_id is not null order by last_seen_at desc limit 1");
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }
}
