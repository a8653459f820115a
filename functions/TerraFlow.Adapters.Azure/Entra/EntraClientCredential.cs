using Azure.Core;
using Azure.Identity;

namespace TerraFlow.Adapters.Azure.Entra;

/// <summary>
/// How TerraFlow proves to Entra's token endpoint that it is the app: the client secret, or (no secret to rotate or
/// leak) a federated credential: a managed identity token for <c>api://AzureADTokenExchange</c>, sent as
/// <c>client_assertion</c>. The app registration trusts that managed identity (Certificates &amp; secrets →
/// Federated credentials → Managed identity).
/// </summary>
public sealed class EntraClientCredential
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string TokenExchangeScope = "api://AzureADTokenExchange/.default";

    private readonly EntraOptions _options;
    private readonly TokenCredential? _assertionSource;

    /// <param name="assertionSource">Where managed identity tokens come from; null builds a <see cref="ManagedIdentityCredential"/> from the options.</param>
    public EntraClientCredential(EntraOptions options, TokenCredential? assertionSource = null)
    {
        _options = options;
        _assertionSource = !string.IsNullOrEmpty(options.ClientSecret) ? null
            : assertionSource ?? (string.IsNullOrEmpty(options.ManagedIdentityClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)));
    }

    public bool UsesFederatedCredential => _assertionSource is not null;

    /// <summary>The form fields that authenticate the client, added to a token request.</summary>
    public async Task AddToAsync(IDictionary<string, string> form, CancellationToken ct)
    {
        form["client_id"] = _options.ClientId!;
        if (_assertionSource is null)
        {
            form["client_secret"] = _options.ClientSecret!;
            return;
        }
        AccessToken assertion;
        try
        {
            assertion = await _assertionSource.GetTokenAsync(new TokenRequestContext([TokenExchangeScope]), ct);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new EntraUnavailableException("The managed identity token for the federated credential could not be obtained: " + ex.Message);
        }
        form["client_assertion_type"] = AssertionType;
        form["client_assertion"] = assertion.Token;
    }
}
