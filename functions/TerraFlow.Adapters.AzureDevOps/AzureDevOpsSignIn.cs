using System.Net;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Approver sign-in with Entra ID (the Microsoft identity platform's authorization-code flow, v2.0 endpoints of the
/// configured tenant) for organizations backed by Entra ID: scope <c>openid User.Read</c>, then Microsoft Graph
/// <c>/me</c> for the <c>userPrincipalName</c>, which is the uniqueName Azure DevOps shows for Entra users.
/// </summary>
public sealed class AzureDevOpsSignIn(HttpClient http, AzureDevOpsOptions options) : OAuthSignInClient(http)
{
    public override string Provider => AzureDevOpsHost.Provider;

    public override string DisplayName => AzureDevOpsHost.DisplayName;

    public override string ClientIdSetting => "TerraFlow__AzureDevOps__SignInClientId (with SignInTenantId and SignInClientSecret)";

    public override bool IsConfigured => options.SignInConfigured;

    protected override string? ClientId => options.SignInClientId;

    protected override string? ClientSecret => options.SignInClientSecret;

    private string TenantRoot => $"{options.SignInAuthority.TrimEnd('/')}/{Uri.EscapeDataString(options.SignInTenantId ?? "organizations")}/oauth2/v2.0";

    protected override string AuthorizeEndpoint => TenantRoot + "/authorize";

    protected override string TokenEndpoint => TenantRoot + "/token";

    protected override Uri UserEndpoint => new(options.SignInUserUrl);

    protected override string LoginField => "userPrincipalName";

    protected override IEnumerable<KeyValuePair<string, string>> AuthorizeParameters =>
        [KeyValuePair.Create("response_type", "code"), KeyValuePair.Create("scope", "openid User.Read"), KeyValuePair.Create("response_mode", "query")];

    protected override IEnumerable<KeyValuePair<string, string>> TokenParameters =>
        [KeyValuePair.Create("grant_type", "authorization_code"), KeyValuePair.Create("scope", "openid User.Read")];

    /// <summary>invalid_client / unauthorized_client is TerraFlow's app registration, not the approver's fault.</summary>
    protected override bool IsUpstreamRefusal(string? error, HttpStatusCode status) =>
        error is "invalid_client" or "unauthorized_client" || status == HttpStatusCode.Unauthorized;
}
