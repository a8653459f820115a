namespace TerraFlow.Application.Access.ApiTokens;

/// <summary>
/// An API token as lists show it: never the token itself (only its hash is stored), only the first characters
/// (<see cref="DisplayPrefix"/>) so people can tell their tokens apart.
/// </summary>
public sealed record ApiTokenRecord(
    long Id,
    string Name,
    string DisplayPrefix,
    string Scope,
    ConsoleUser Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>What the store keeps of a new token: its hash, never the token.</summary>
public sealed record NewApiToken(string Name, byte[] TokenHash, string DisplayPrefix, string Scope, ConsoleUser Owner, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
