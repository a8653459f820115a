namespace TerraFlow.Adapters.GitLabOAuth;

/// <summary>
/// The approver sign-in part of <c>TerraFlow:GitLab</c> (environment: <c>TerraFlow__GitLab__…</c>): an OAuth
/// application created in GitLab (user, group or instance settings → Applications) with the redirect URI
/// <c>{PublicUrl}/api/oauth/gitlab/callback</c> and the scope <c>read_user</c>.
/// </summary>
public sealed class GitLabOAuthOptions
{
    public const string DefaultApiUrl = "https://gitlab.com/api/v4";

    /// <summary>GitLab REST base URL; the web root (where <c>/oauth/*</c> lives) is derived from it.</summary>
    public string ApiUrl { get; set; } = DefaultApiUrl;

    /// <summary>The OAuth application's id; sign-in is off without it.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public bool SignInConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    public string EffectiveApiUrl => (string.IsNullOrWhiteSpace(ApiUrl) ? DefaultApiUrl : ApiUrl).TrimEnd('/');

    public string EffectiveWebUrl => GitLabWebUrl.FromApiUrl(EffectiveApiUrl);
}
