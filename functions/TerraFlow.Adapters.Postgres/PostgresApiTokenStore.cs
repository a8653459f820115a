using Npgsql;
using TerraFlow.Application.Access;
using TerraFlow.Application.Access.ApiTokens;

namespace TerraFlow.Adapters.Postgres;

/// <summary><see cref="IApiTokenStore"/> in table <c>api_tokens</c> (migration 0014). Only hashes are stored and looked up.</summary>
internal sealed class PostgresApiTokenStore(NpgsqlDataSource db) : IApiTokenStore
{
    private const string Columns = "id, name, display_prefix, scope, owner_idp, owner_login, owner_display_name, owner_role, owner_groups, created_at, expires_at, last_used_at, revoked_at, revoked_by";

    public async Task<ApiTokenRecord> CreateAsync(NewApiToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var cmd = db.CreateCommand($"""
            insert into api_tokens (name, token_hash, display_prefix, scope, owner_idp, owner_login, owner_display_name, owner_role, owner_groups, created_at, expires_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            returning {Columns}
            """);
        cmd.Parameters.AddWithValue(token.Name);
        cmd.Parameters.AddWithValue(token.TokenHash);
        cmd.Parameters.AddWithValue(token.DisplayPrefix);
        cmd.Parameters.AddWithValue(token.Scope);
        cmd.Parameters.AddWithValue(token.Owner.IdentityProvider);
        cmd.Parameters.AddWithValue(token.Owner.Login);
        cmd.Parameters.AddWithValue(token.Owner.DisplayName);
        cmd.Parameters.AddWithValue(token.Owner.Role.ToString());
        cmd.Parameters.AddWithValue(token.Owner.Groups.ToArray());
        cmd.Parameters.AddWithValue(token.CreatedAt);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)token.ExpiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    public async Task<ApiTokenRecord?> UseAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        // One round trip: find the live token and, at most once a minute, note its use (so a busy token does not
        // write a row version per request).
        await using var cmd = db.CreateCommand($"""
            with live as (
                select {Columns} from api_tokens
                where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > $2)
            ), touched as (
                update api_tokens set last_used_at = $2
                where id = (select id from live) and (last_used_at is null or last_used_at < $2 - interval '1 minute')
                returning id
            )
            select {Columns} from live
            """);
        cmd.Parameters.AddWithValue(tokenHash);
        cmd.Parameters.AddWithValue(now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from api_tokens order by created_at desc, id desc");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiTokenRecord>();
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    public async Task<bool> RevokeAsync(long id, string revokedBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update api_tokens set revoked_at = $2, revoked_by = $3 where id = $1 and revoked_at is null");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(revokedBy);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static ApiTokenRecord Read(NpgsqlDataReader r)
    {
        var role = Enum.TryParse<ConsoleRole>(r.GetString(7), out var parsed) ? parsed : ConsoleRole.Viewer;
        var owner = new ConsoleUser(r.GetString(4), r.GetString(5), r.GetString(6), role, r.GetFieldValue<string[]>(8));
        return new ApiTokenRecord(
            r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), owner,
            r.GetFieldValue<DateTimeOffset>(9),
            r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
            r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
            r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
            r.IsDBNull(13) ? null : r.GetString(13));
    }
}
