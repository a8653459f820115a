using TerraFlow.Adapters.GitHub.OAuth;

namespace TerraFlow.Adapters.Vcs;

/// <summary>GitHub App user authorization as an <see cref="IOAuthSignIn"/> (the flow itself is <see cref="GitHubOAuthClient"/>).</summary>
public sealed class GitHubOAuthSignIn(GitHubOAuthClient client) : IOAuthSignIn
{
    public string Provider => VcsProviderNames.GitHub;

    public string DisplayName => "GitHub";

    public string ClientIdSetting => "TerraFlow__GitHub__ClientId";

    public bool IsConfigured => client.IsConfigured;

    public Uri AuthorizeUrl(string state, string redirectUri) => client.AuthorizeUrl(state, redirectUri);

    public async Task<OAuthSignInResult> CompleteSignInAsync(string code, string redirectUri, CancellationToken ct)
    {
        var result = await client.CompleteSignInAsync(code, redirectUri, ct).ConfigureAwait(false);
        return new OAuthSignInResult(result.Login, result.Error, result.UpstreamFailure);
    }
}
