using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Application.Access.ApiTokens;

/// <summary>
/// Creating, checking and revoking API tokens. A token is <c>tfat_</c> + 32 random bytes (base64url); the store
/// keeps its SHA-256 and its first <see cref="DisplayPrefixLength"/> characters. The token is returned once, at
/// creation, and is never logged or listed. A token acts as the admin who created it, with its own scope.
/// </summary>
public sealed class ApiTokenService(IApiTokenStore store, ConsoleAccessSettings settings, TimeProvider time)
{
    public const string Prefix = "tfat_";
    public const int DisplayPrefixLength = 12;
    public const int MaxNameLength = 100;

    // "tfat_" + 43 base64url characters; anything longer is not ours and is not even hashed.
    private const int TokenLength = 48;

    public async Task<(ApiTokenRecord Token, string Secret)> CreateAsync(ConsoleUser owner, string name, string scope, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        // The token acts as its owner, never as a token of a token: the owner is stored without a scope.
        var record = await store.CreateAsync(new NewApiToken(name, Hash(secret), secret[..DisplayPrefixLength], scope, owner with { TokenScope = null },
            time.GetUtcNow(), expiresAt), ct);
        return (record, secret);
    }

    /// <summary>The user a presented token acts as (its owner, with the token's scope), or null when it is unknown, revoked or expired.</summary>
    public async Task<ConsoleUser?> AuthenticateAsync(string? presented, CancellationToken ct)
    {
        if (!LooksLikeToken(presented)) return null;
        var record = await store.UseAsync(Hash(presented!), time.GetUtcNow(), ct);
        // The owner's role as the lists say now: an admin removed from TerraFlow__Auth__Admins loses it for their tokens too.
        return record is null ? null : record.Owner with { Role = settings.RoleOf(record.Owner), TokenScope = record.Scope };
    }

    public Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken ct) => store.ListAsync(ct);

    public Task<bool> RevokeAsync(long id, ConsoleUser by, CancellationToken ct) =>
        store.RevokeAsync(id, by.IdentityProvider + ":" + by.Login, time.GetUtcNow(), ct);

    public static bool LooksLikeToken(string? presented) =>
        presented is { Length: TokenLength } && presented.StartsWith(Prefix, StringComparison.Ordinal) && Base64Url.IsValid(presented.AsSpan(Prefix.Length));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
