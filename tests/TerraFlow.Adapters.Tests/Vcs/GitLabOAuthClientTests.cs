using System.Web;
using TerraFlow.Adapters.GitLabOAuth;
using TerraFlow.Testing.FakeGitLabOAuth;

namespace TerraFlow.Adapters.Tests.Vcs;

public class GitLabOAuthClientTests
{
    private const string Callback = "https://terraflow.example/api/oauth/gitlab/callback";
    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false });

    [Theory]
    [InlineData("https://gitlab.com/api/v4", "https://gitlab.com")]
    [InlineData("https://gitlab.com/api/v4/", "https://gitlab.com")]
    [InlineData("https://git.example.com:8443/api/v4", "https://git.example.com:8443")]
    [InlineData("https://example.com/gitlab/api/v4", "https://example.com/gitlab")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    public void The_web_root_is_the_api_url_without_api_v4(string api, string web) => Assert.Equal(web, GitLabWebUrl.FromApiUrl(api));

    [Fact]
    public void The_authorize_url_asks_for_a_code_with_read_user_only()
    {
        var client = new GitLabOAuthClient(Http, new GitLabOAuthOptions { ApiUrl = "https://example.com/gitlab/api/v4", ClientId = "app id", ClientSecret = "s" });

        var url = client.AuthorizeUrl("st@te", Callback);
        Assert.Equal("https://example.com/gitlab/oauth/authorize", url.GetLeftPart(UriPartial.Path));
        var q = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("app id", q["client_id"]);
        Assert.Equal(Callback, q["redirect_uri"]);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal("st@te", q["state"]);
        Assert.Equal("read_user", q["scope"]);
        Assert.True(client.IsConfigured);
        Assert.False(new GitLabOAuthClient(Http, new GitLabOAuthOptions { ClientId = "id" }).IsConfigured); // no secret
    }

    [Fact]
    public async Task A_code_from_the_authorize_redirect_yields_the_username_once()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { PathPrefix = "/gitlab", RedirectUri = Callback, SignedInUser = "alice.gl" });
        var client = Client(gitlab);
        var code = await AuthorizeAsync(client);

        var result = await client.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Equal("alice.gl", result.Login);

        var exchange = Assert.Single(gitlab.Requests, r => r.Path == "/gitlab/oauth/token");
        Assert.Equal("POST", exchange.Method);
        Assert.Equal("authorization_code", exchange.Form["grant_type"]);
        Assert.Equal(Callback, exchange.Form["redirect_uri"]);
        Assert.Equal(gitlab.Options.ClientSecret, exchange.Form["client_secret"]);
        Assert.StartsWith("Bearer ", Assert.Single(gitlab.Requests, r => r.Path == "/gitlab/api/v4/user").Authorization);

        // Codes are single use: a replay is the person's problem (400), not an outage.
        var replay = await client.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Null(replay.Login);
        Assert.False(replay.UpstreamFailure);
        Assert.Contains("invalid_grant", replay.Error);
        Assert.Equal(1, gitlab.IssuedTokens);
    }

    [Fact]
    public async Task A_code_sent_with_another_redirect_uri_is_refused()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { RedirectUri = Callback });
        var client = Client(gitlab);
        var code = await AuthorizeAsync(client);

        var result = await client.CompleteSignInAsync(code, "https://evil.example/cb", CancellationToken.None);
        Assert.Null(result.Login);
        Assert.Contains("invalid_grant", result.Error);
        Assert.Equal(0, gitlab.IssuedTokens);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_an_upstream_failure_not_the_approvers_fault()
    {
        await using var gitlab = await FakeGitLabOAuthServer.StartAsync(new FakeGitLabOAuthOptions { RedirectUri = Callback });
        var client = new GitLabOAuthClient(Http, new GitLabOAuthOptions { ApiUrl = gitlab.ApiUrl, ClientId = gitlab.Options.ClientId, ClientSecret = "wrong" });
        var code = await AuthorizeAsync(client);

        var result = await client.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Null(result.Login);
        Assert.True(result.UpstreamFailure);
        Assert.Contains("invalid_client", result.Error);
    }

    [Fact]
    public async Task An_unreachable_gitlab_is_an_upstream_failure()
    {
        var gitlab = await FakeGitLabOAuthServer.StartAsync();
        var apiUrl = gitlab.ApiUrl;
        await gitlab.DisposeAsync(); // nothing listens there any more
        var client = new GitLabOAuthClient(Http, new GitLabOAuthOptions { ApiUrl = apiUrl, ClientId = "id", ClientSecret = "s" });

        var result = await client.CompleteSignInAsync("code", Callback, CancellationToken.None);
        Assert.True(result.UpstreamFailure);
        Assert.Null(result.Login);
    }

    private static GitLabOAuthClient Client(FakeGitLabOAuthServer gitlab) =>
        new(Http, new GitLabOAuthOptions { ApiUrl = gitlab.ApiUrl, ClientId = gitlab.Options.ClientId, ClientSecret = gitlab.Options.ClientSecret });

    /// <summary>Follows the authorize URL the way a browser would and returns the code from the redirect back.</summary>
    private static async Task<string> AuthorizeAsync(GitLabOAuthClient client)
    {
        using var response = await Http.GetAsync(client.AuthorizeUrl("s1", Callback));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        var back = response.Headers.Location!;
        Assert.StartsWith(Callback, back.AbsoluteUri);
        var q = HttpUtility.ParseQueryString(back.Query);
        Assert.Equal("s1", q["state"]);
        return q["code"] ?? throw new InvalidOperationException("no code in " + back);
    }
}
