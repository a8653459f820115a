namespace TerraFlow.Adapters.Azure.Entra;

/// <summary>
/// <c>TerraFlow:Auth:Entra</c>: the Entra ID app registration the console signs people in with (OpenID Connect,
/// authorization code + PKCE). The app authenticates to the token endpoint with a client secret, or with a federated
/// credential: a managed identity token for <c>api://AzureADTokenExchange</c> sent as the client assertion.
/// </summary>
public sealed class EntraOptions
{
    public const string DefaultInstance = "https://login.microsoftonline.com/";

    /// <summary>Directory (tenant) id or verified domain. Only this tenant's users can sign in.</summary>
    public string? TenantId { get; set; }

    /// <summary>Application (client) id of the app registration; the id_token's audience.</summary>
    public string? ClientId { get; set; }

    /// <summary>A client secret of the app registration (else the managed identity federated credential is used).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Client id of the user-assigned managed identity named in the app's federated credential.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>True to use the system-assigned managed identity as the federated credential.</summary>
    public bool UseManagedIdentity { get; set; }

    /// <summary>The login host: <c>https://login.microsoftonline.com/</c>; sovereign clouds (<c>https://login.microsoftonline.us/</c>) or a test stand-in elsewhere.</summary>
    public string Instance { get; set; } = DefaultInstance;

    /// <summary>Scopes asked for; <c>openid</c> is always included.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>Allowed clock difference with Entra for <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long discovery and the signing keys are cached.</summary>
    public TimeSpan MetadataLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The least time between two key-set fetches caused by an unknown <c>kid</c> (a rotated key): bounds how often
    /// forged tokens can make TerraFlow call Entra.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool HasClientCredential => !string.IsNullOrEmpty(ClientSecret) || !string.IsNullOrEmpty(ManagedIdentityClientId) || UseManagedIdentity;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId) && HasClientCredential;

    /// <summary><c>{Instance}/{TenantId}/v2.0</c>: the issuer and the base of the discovery document.</summary>
    public string Authority => Instance.TrimEnd('/') + "/" + Uri.EscapeDataString(TenantId ?? "") + "/v2.0";

    public Uri DiscoveryUrl => new(Authority + "/.well-known/openid-configuration");
}
