using System.Net;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLabOAuth;

/// <summary>
/// Approver sign-in with GitLab (the authorization-code flow of <see cref="OAuthSignInClient"/>, as GitLab documents it
/// for server-side apps): <c>{web}/oauth/authorize</c> with scope <c>read_user</c>, <c>POST {web}/oauth/token</c>, then
/// <c>GET {api}/user</c> for the <c>username</c>.
/// </summary>
public sealed class GitLabOAuthClient(HttpClient http, GitLabOAuthOptions options) : OAuthSignInClient(http)
{
    public override string Provider => GitLabHost.Provider;

    public override string DisplayName => GitLabHost.DisplayName;

    public override string ClientIdSetting => "TerraFlow__GitLab__ClientId";

    public override bool IsConfigured => options.SignInConfigured;

    protected override string? ClientId => options.ClientId;

    protected override string? ClientSecret => options.ClientSecret;

    protected override string AuthorizeEndpoint => options.EffectiveWebUrl + "/oauth/authorize";

    protected override string TokenEndpoint => options.EffectiveWebUrl + "/oauth/token";

    protected override Uri UserEndpoint => new(options.EffectiveApiUrl + "/user");

    protected override string LoginField => "username";

    protected override IEnumerable<KeyValuePair<string, string>> AuthorizeParameters =>
        [KeyValuePair.Create("response_type", "code"), KeyValuePair.Create("scope", "read_user")];

    protected override IEnumerable<KeyValuePair<string, string>> TokenParameters => [KeyValuePair.Create("grant_type", "authorization_code")];

    /// <summary>A refused client (<c>invalid_client</c>, 401) is TerraFlow's configuration, not the approver's fault.</summary>
    protected override bool IsUpstreamRefusal(string? error, HttpStatusCode status) => error == "invalid_client" || status == HttpStatusCode.Unauthorized;
}
