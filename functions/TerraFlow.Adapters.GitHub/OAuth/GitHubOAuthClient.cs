using System.Net.Http.Headers;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitHub.OAuth;

/// <summary>
/// GitHub App user authorization (the OAuth web flow of <see cref="OAuthSignInClient"/>) for approver sign-in:
/// <c>{web}/login/oauth/authorize</c> (no scope: a GitHub App's user token carries the App's permissions, and reading
/// the user's own login needs none), <c>{web}/login/oauth/access_token</c>, then <c>GET {api}/user</c>.
/// </summary>
public sealed class GitHubOAuthClient(HttpClient http, GitHubOptions options) : OAuthSignInClient(http)
{
    public override string Provider => GitHubHost.Provider;

    public override string DisplayName => GitHubHost.DisplayName;

    public override string ClientIdSetting => "TerraFlow__GitHub__ClientId";

    public override bool IsConfigured => options.SignInConfigured;

    protected override string? ClientId => options.ClientId;

    protected override string? ClientSecret => options.ClientSecret;

    protected override string AuthorizeEndpoint => options.EffectiveWebUrl + "/login/oauth/authorize";

    protected override string TokenEndpoint => options.EffectiveWebUrl + "/login/oauth/access_token";

    protected override Uri UserEndpoint => options.BuildUri("user");

    protected override string LoginField => "login";

    protected override IEnumerable<KeyValuePair<string, string>> AuthorizeParameters => [KeyValuePair.Create("allow_signup", "false")];

    protected override void AddApiHeaders(HttpRequestHeaders headers)
    {
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        headers.Add("X-GitHub-Api-Version", Api.GitHubApiUrl.ApiVersion);
    }
}
