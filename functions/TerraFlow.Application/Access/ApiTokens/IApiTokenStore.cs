namespace TerraFlow.Application.Access.ApiTokens;

/// <summary>Where API tokens live (PostgreSQL: table <c>api_tokens</c>). Tokens are found by hash only.</summary>
public interface IApiTokenStore
{
    Task<ApiTokenRecord> CreateAsync(NewApiToken token, CancellationToken ct);

    /// <summary>
    /// The token with this hash if it is neither revoked nor expired at <paramref name="now"/>; records the use
    /// (<see cref="ApiTokenRecord.LastUsedAt"/>, written at most about once a minute per token).
    /// </summary>
    Task<ApiTokenRecord?> UseAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct);

    /// <summary>Every token, newest first, revoked ones included (so their revocation stays visible).</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken ct);

    /// <summary>Revokes the token; false when there is none with this id or it was revoked already.</summary>
    Task<bool> RevokeAsync(long id, string revokedBy, DateTimeOffset now, CancellationToken ct);
}
