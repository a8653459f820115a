namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Azure DevOps settings, bound from <see cref="SectionName"/> (environment: <c>TerraFlow__AzureDevOps__OrganizationUrl</c>,
/// <c>__Token</c>, <c>__WebhookUsername</c>/<c>__WebhookPassword</c>, <c>__WebhookHeaderName</c>/<c>__WebhookHeaderValue</c>, …).
/// </summary>
public sealed class AzureDevOpsOptions
{
    public const string SectionName = "TerraFlow:AzureDevOps";

    /// <summary>The Azure DevOps resource id: Entra ID tokens for Azure DevOps are requested for <c>{this}/.default</c>.</summary>
    public const string EntraResource = "499b84ac-1321-427f-aa17-267ca6975798";

    /// <summary><c>https://dev.azure.com/{organization}</c> or an Azure DevOps Server collection URL (<c>https://host/tfs/DefaultCollection</c>).</summary>
    public string? OrganizationUrl { get; set; }

    /// <summary>A personal access token (scopes Code: read &amp; write, Code: status, Identity: read, Security: manage… see README); sent as Basic with an empty user. Without one, Entra ID is used.</summary>
    public string? Token { get; set; }

    /// <summary>Use Entra ID (DefaultAzureCredential: managed identity, workload identity, service principal environment, Azure CLI) when no token is set. On by default.</summary>
    public bool UseEntraId { get; set; } = true;

    /// <summary>Identity (vssps) REST root used to look people up; default <c>https://vssps.dev.azure.com/{org}</c> for dev.azure.com, else the organization URL.</summary>
    public string? IdentityUrl { get; set; }

    /// <summary>Basic credentials the service hook subscriptions send (the subscription's "Basic authentication username/password").</summary>
    public string? WebhookUsername { get; set; }

    public string? WebhookPassword { get; set; }

    /// <summary>Or (and) a custom header the subscriptions send (<c>httpHeaders</c> input, e.g. <c>X-TerraFlow-Secret: …</c>).</summary>
    public string? WebhookHeaderName { get; set; }

    public string? WebhookHeaderValue { get; set; }

    /// <summary>Approver sign-in with Entra ID: an app registration (tenant, client id, secret) with redirect URI <c>{PublicUrl}/api/oauth/azuredevops/callback</c>.</summary>
    public string? SignInTenantId { get; set; }

    public string? SignInClientId { get; set; }

    public string? SignInClientSecret { get; set; }

    /// <summary>Entra ID login host (sovereign clouds differ).</summary>
    public string SignInAuthority { get; set; } = "https://login.microsoftonline.com";

    /// <summary>Where the signed-in user's name is read (Microsoft Graph <c>/me</c>, field <c>userPrincipalName</c>).</summary>
    public string SignInUserUrl { get; set; } = "https://graph.microsoft.com/v1.0/me";

    public bool OrganizationConfigured => !string.IsNullOrWhiteSpace(OrganizationUrl);

    /// <summary>A client can talk to Azure DevOps: an organization and a PAT, or an organization with Entra ID allowed.</summary>
    public bool ClientConfigured => OrganizationConfigured && (!string.IsNullOrWhiteSpace(Token) || UseEntraId);

    public bool BasicAuthConfigured => !string.IsNullOrEmpty(WebhookUsername) || !string.IsNullOrEmpty(WebhookPassword);

    public bool HeaderSecretConfigured => !string.IsNullOrWhiteSpace(WebhookHeaderName) && !string.IsNullOrEmpty(WebhookHeaderValue);

    public bool WebhooksConfigured => BasicAuthConfigured || HeaderSecretConfigured;

    public bool SignInConfigured =>
        !string.IsNullOrWhiteSpace(SignInTenantId) && !string.IsNullOrWhiteSpace(SignInClientId) && !string.IsNullOrWhiteSpace(SignInClientSecret);

    /// <summary>The organization URL without a trailing '/'.</summary>
    public string OrganizationRoot => (OrganizationUrl ?? throw new InvalidOperationException("TerraFlow__AzureDevOps__OrganizationUrl is not set.")).TrimEnd('/');

    public string IdentityRoot
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(IdentityUrl)) return IdentityUrl.TrimEnd('/');
            var org = new Uri(OrganizationRoot);
            // dev.azure.com keeps identities on vssps.dev.azure.com/{org}; Azure DevOps Server serves them on the collection.
            return org.Host.Equals("dev.azure.com", StringComparison.OrdinalIgnoreCase)
                ? $"https://vssps.dev.azure.com{org.AbsolutePath.TrimEnd('/')}"
                : OrganizationRoot;
        }
    }

    internal Uri BuildUri(string relativePath) => Combine(OrganizationRoot, relativePath);

    internal Uri BuildIdentityUri(string relativePath) => Combine(IdentityRoot, relativePath);

    private static Uri Combine(string root, string relativePath) =>
        new(new Uri(root + "/", UriKind.Absolute), relativePath.TrimStart('/'));
}
