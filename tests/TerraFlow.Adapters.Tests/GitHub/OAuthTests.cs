using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.GitHub.OAuth;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Approver sign-in: web URL derivation for github.com, GHE.com and GHES, and the OAuth client against the fake.</summary>
public sealed class OAuthTests
{
    private const string Callback = "https://terraflow.example/api/oauth/github/callback";

    [Theory]
    [InlineData("https://api.github.com", "https://github.com")]
    [InlineData("https://api.github.com/", "https://github.com")]
    [InlineData("https://ghes.example/api/v3", "https://ghes.example")]
    [InlineData("https://ghes.example/api/v3/", "https://ghes.example")]
    [InlineData("https://ghes.example:8443/api/v3", "https://ghes.example:8443")]
    [InlineData("https://proxy.example/github/api/v3", "https://proxy.example/github")]
    [InlineData("https://api.octocorp.ghe.com", "https://octocorp.ghe.com")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    public void Web_url_follows_the_api_url(string apiUrl, string webUrl)
    {
        Assert.Equal(webUrl, GitHubWebUrl.FromApiUrl(apiUrl));
        Assert.Equal(webUrl, new GitHubOptions { ApiUrl = apiUrl }.EffectiveWebUrl);
    }

    [Fact]
    public void An_explicit_web_url_wins() =>
        Assert.Equal("https://login.example", new GitHubOptions { ApiUrl = "https://ghes.example/api/v3", WebUrl = "https://login.example/" }.EffectiveWebUrl);

    [Fact]
    public void Sign_in_needs_both_client_id_and_secret()
    {
        Assert.False(new GitHubOptions().SignInConfigured);
        Assert.False(new GitHubOptions { ClientId = "Iv1.x" }.SignInConfigured);
        Assert.True(new GitHubOptions { ClientId = "Iv1.x", ClientSecret = "s" }.SignInConfigured);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/api/v3")]
    public async Task Sign_in_round_trip_yields_the_login_and_codes_work_once(string pathPrefix)
    {
        var fake = new FakeGitHubOptions { PathPrefix = pathPrefix, OAuthSignedInUser = "hubot", OAuthCallbackUrl = Callback };
        await using var github = await FakeGitHubServer.StartAsync(fake);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var client = new GitHubOAuthClient(http, new GitHubOptions { ApiUrl = github.ApiUrl, ClientId = fake.OAuthClientId, ClientSecret = fake.OAuthClientSecret });

        var authorize = client.AuthorizeUrl("state-123", Callback);
        Assert.Equal(github.RootUrl + "/login/oauth/authorize", authorize.GetLeftPart(UriPartial.Path)); // outside /api/v3 on GHES
        var code = await CodeFromAuthorizeAsync(http, authorize, "state-123");

        var result = await client.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Equal("hubot", result.Login);
        Assert.Contains(github.Requests, r => r.Path == pathPrefix + "/user" && r.ResponseStatus == 200 && r.Authorization!.StartsWith("Bearer ghu_", StringComparison.Ordinal));
        Assert.Equal("application/json", github.Requests.Single(r => r.Path == "/login/oauth/access_token").Headers["Accept"]);

        var reused = await client.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Null(reused.Login);
        Assert.False(reused.UpstreamFailure);
        Assert.Contains("bad_verification_code", reused.Error);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_as_GitHub_refuses_it()
    {
        var fake = new FakeGitHubOptions { OAuthCallbackUrl = Callback };
        await using var github = await FakeGitHubServer.StartAsync(fake);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var good = new GitHubOptions { ApiUrl = github.ApiUrl, ClientId = fake.OAuthClientId, ClientSecret = fake.OAuthClientSecret };
        var code = await CodeFromAuthorizeAsync(http, new GitHubOAuthClient(http, good).AuthorizeUrl("s", Callback), "s");

        var wrong = new GitHubOAuthClient(http, new GitHubOptions { ApiUrl = github.ApiUrl, ClientId = fake.OAuthClientId, ClientSecret = "nope" });
        var result = await wrong.CompleteSignInAsync(code, Callback, CancellationToken.None);
        Assert.Null(result.Login);
        Assert.Contains("incorrect_client_credentials", result.Error);
    }

    [Fact]
    public async Task The_fake_refuses_unknown_clients_and_unregistered_redirect_uris()
    {
        var fake = new FakeGitHubOptions { OAuthCallbackUrl = Callback };
        await using var github = await FakeGitHubServer.StartAsync(fake);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var unknown = await http.GetAsync($"{github.RootUrl}/login/oauth/authorize?client_id=Iv1.unknown&redirect_uri={Uri.EscapeDataString(Callback)}&state=s");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var mismatch = await http.GetAsync($"{github.RootUrl}/login/oauth/authorize?client_id={fake.OAuthClientId}&redirect_uri={Uri.EscapeDataString("https://evil.example/cb")}&state=s");
        Assert.Equal(HttpStatusCode.Found, mismatch.StatusCode);
        Assert.StartsWith(Callback + "?", mismatch.Headers.Location!.AbsoluteUri);
        var query = QueryHelpers.ParseQuery(mismatch.Headers.Location.Query);
        Assert.Equal("redirect_uri_mismatch", query["error"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Nobody_signed_in_means_no_redirect()
    {
        var fake = new FakeGitHubOptions { OAuthSignedInUser = null };
        await using var github = await FakeGitHubServer.StartAsync(fake);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync($"{github.RootUrl}/login/oauth/authorize?client_id={fake.OAuthClientId}&redirect_uri={Uri.EscapeDataString(Callback)}&state=s");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    private static async Task<string> CodeFromAuthorizeAsync(HttpClient http, Uri authorize, string expectedState)
    {
        using var response = await http.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith(Callback + "?", response.Headers.Location!.AbsoluteUri);
        var query = QueryHelpers.ParseQuery(response.Headers.Location.Query);
        Assert.Equal(expectedState, query["state"].ToString());
        var code = query["code"].ToString();
        Assert.Matches("^[0-9a-f]{20}$", code);
        return code;
    }
}
