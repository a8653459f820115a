namespace TerraFlow.Testing.FakeEntra;

/// <summary>A user signed in at the fake Entra (the browser's session there).</summary>
public sealed record FakeEntraUser(string ObjectId, string Name, string UserName, IReadOnlyList<string> Groups);

/// <summary>
/// The app registration in the fake tenant, who the browser is signed in as, and switches that make the fake answer
/// the way an attacker or a broken deployment would (other key, wrong audience, expired token, other nonce).
/// </summary>
public sealed class FakeEntraOptions
{
    public string TenantId { get; init; } = "6f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    public string ClientId { get; init; } = "2d9a6c1e-7b3f-4e8a-9c0d-1e2f3a4b5c6d";

    /// <summary>The client secret the app registration has; null = no secret (only federated credentials).</summary>
    public string? ClientSecret { get; init; } = "fake-entra-secret~0123456789abcdefghij";

    /// <summary>The <c>sub</c> a federated credential trusts in client assertions (the managed identity's object id); null = none configured.</summary>
    public string? FederatedSubject { get; init; }

    /// <summary>The redirect URI registered on the app; null accepts any (set it once TerraFlow's port is known).</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Who is signed in at Entra and consents automatically; null = nobody (Entra shows its sign-in page).</summary>
    public FakeEntraUser? SignedInUser { get; set; } = new("0b7e5c3a-1f2d-4c6b-9a8e-7d6c5b4a3f2e", "Alice Entra", "alice@contoso.example", ["3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4"]);

    /// <summary>Lifetime of issued id_tokens; negative issues tokens that are already expired.</summary>
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sign id_tokens with a key that is not in the JWKS, under the published key's kid.</summary>
    public bool SignWithForeignKey { get; set; }

    /// <summary>Put this audience in id_tokens instead of the client id.</summary>
    public string? AudienceOverride { get; set; }

    /// <summary>Put this nonce in id_tokens instead of the one of the authorize request.</summary>
    public string? NonceOverride { get; set; }

    /// <summary>Leave the groups out and point at Graph, as Entra does when a user is in too many groups.</summary>
    public bool GroupsOverage { get; set; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
