using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using TerraFlow.Testing.FakeGitLab;

namespace TerraFlow.Adapters.Tests.GitLab;

/// <summary>The stand-in's OAuth web flow, for approver sign-in tests: code once, token, then GET /api/v4/user.</summary>
public sealed class FakeGitLabOAuthTests
{
    private const string Callback = "https://terraflow.example/api/oauth/gitlab/callback";

    [Fact]
    public async Task Authorize_code_token_user_and_a_code_works_only_once()
    {
        await using var server = await FakeGitLabServer.StartAsync(new FakeGitLabOptions { OAuthCallbackUrl = Callback, OAuthSignedInUser = "bob" });
        var options = new FakeGitLabOptions();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var authorize = await http.GetAsync($"{server.RootUrl}/oauth/authorize?client_id={options.OAuthClientId}&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code&state=xyz&scope=read_user");
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var location = authorize.Headers.Location!;
        Assert.StartsWith(Callback, location.ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("xyz", query["state"].ToString());

        FormUrlEncodedContent Exchange() => new(new Dictionary<string, string>
        {
            ["client_id"] = options.OAuthClientId!, ["client_secret"] = options.OAuthClientSecret, ["code"] = query["code"].ToString(),
            ["grant_type"] = "authorization_code", ["redirect_uri"] = Callback,
        });
        var token = await http.PostAsync($"{server.RootUrl}/oauth/token", Exchange());
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var accessToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();

        using var me = new HttpRequestMessage(HttpMethod.Get, $"{server.ApiUrl}/user");
        me.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        var user = await http.SendAsync(me);
        Assert.Equal("bob", JsonDocument.Parse(await user.Content.ReadAsStringAsync()).RootElement.GetProperty("username").GetString());

        var reused = await http.PostAsync($"{server.RootUrl}/oauth/token", Exchange());
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(await reused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unregistered_redirect_uri_and_unknown_client_get_an_error_page_not_a_redirect()
    {
        await using var server = await FakeGitLabServer.StartAsync(new FakeGitLabOptions { OAuthCallbackUrl = Callback });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var clientId = new FakeGitLabOptions().OAuthClientId;

        var wrongRedirect = await http.GetAsync($"{server.RootUrl}/oauth/authorize?client_id={clientId}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code");
        var unknownClient = await http.GetAsync($"{server.RootUrl}/oauth/authorize?client_id=nope&redirect_uri={Uri.EscapeDataString(Callback)}&response_type=code");

        Assert.Equal(HttpStatusCode.BadRequest, wrongRedirect.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownClient.StatusCode);
        Assert.Null(wrongRedirect.Headers.Location);
    }
}
