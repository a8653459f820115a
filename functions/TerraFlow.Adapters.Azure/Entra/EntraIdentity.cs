namespace TerraFlow.Adapters.Azure.Entra;

/// <summary>Who Entra signed in, from a validated id_token.</summary>
/// <param name="ObjectId">The user's object id (<c>oid</c>): stable within the tenant, never reassigned.</param>
/// <param name="Groups">Group object ids from the <c>groups</c> claim (the app registration must emit it).</param>
/// <param name="GroupsOverage">True when Entra left the groups out (too many; it then points at Microsoft Graph instead).</param>
public sealed record EntraIdentity(string ObjectId, string TenantId, string DisplayName, string? UserName, IReadOnlyList<string> Groups, bool GroupsOverage);

/// <summary>The end of a sign-in: an identity, or why not (<see cref="UpstreamFailure"/>: Entra could not be reached or answered oddly).</summary>
public sealed record EntraSignInResult(EntraIdentity? Identity, string? Error, bool UpstreamFailure = false)
{
    public static EntraSignInResult Refused(string error) => new(null, error);

    public static EntraSignInResult Upstream(string error) => new(null, error, UpstreamFailure: true);
}
