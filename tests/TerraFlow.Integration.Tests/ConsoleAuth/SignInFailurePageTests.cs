using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// The OAuth callback is shared by approver and console sign-in; when GitHub answers with an error (the user pressed
/// "Cancel"), the failure page must name the way to start over that fits what the sign-in was for. Real host, real
/// PostgreSQL, the GitHub stand-in's authorize step, over HTTP.
/// </summary>
public sealed class SignInFailurePageTests : IAsyncLifetime
{
    private readonly FakeGitHubOptions _fake = new() { OAuthSignedInUser = "octocat" };
    private FakeGitHubServer _github = null!;
    private ApprovalTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(_fake);
        _host = await ApprovalTestHost.StartAsync(_github, _fake);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
    }

    /// <summary>Starts a sign-in at <paramref name="start"/>, then comes back to the callback as if the user had refused at GitHub.</summary>
    private async Task<(HttpResponseMessage Response, string Body, ConsoleBrowser Browser)> RefusedAtGitHubAsync(string start)
    {
        var browser = new ConsoleBrowser();
        var (toGitHub, _) = await browser.GetAsync(start);
        Assert.Equal(HttpStatusCode.Redirect, toGitHub.StatusCode);
        var authorize = toGitHub.Headers.Location!;
        Assert.StartsWith(_github.RootUrl.TrimEnd('/'), authorize.AbsoluteUri, StringComparison.Ordinal);
        var state = QueryHelpers.ParseQuery(authorize.Query)["state"].ToString();
        Assert.False(string.IsNullOrEmpty(state));
        var (response, body) = await browser.GetAsync(
            $"{_host.BaseUrl}/api/oauth/github/callback?state={Uri.EscapeDataString(state)}&error=access_denied&error_description={Uri.EscapeDataString("The user has denied your application access.")}");
        return (response, body, browser);
    }

    [Fact]
    public async Task A_refused_console_sign_in_offers_the_console_sign_in_again_with_the_same_return_page()
    {
        var (response, body, browser) = await RefusedAtGitHubAsync($"{_host.BaseUrl}/api/sign-in/github?return={Uri.EscapeDataString("/api/console/runs/5")}");
        using var _ = browser;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("GitHub did not sign you in: The user has denied your application access.", body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/api/sign-in?return=%2Fapi%2Fconsole%2Fruns%2F5\">Sign in to the console again</a>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("approval link", body, StringComparison.OrdinalIgnoreCase);
        Assert.Null(browser.SessionCookie(_host.BaseUrl));
    }

    [Fact]
    public async Task A_refused_approver_sign_in_offers_the_approval_link_again()
    {
        var link = _host.Links.Issue(4242, "network", new string('a', 64), DateTimeOffset.UtcNow);
        var (response, body, browser) = await RefusedAtGitHubAsync(link + "/sign-in");
        using var _ = browser;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("GitHub did not sign you in: The user has denied your application access.", body, StringComparison.Ordinal);
        Assert.Contains("Open the approval link again to start over.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("console", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_callback_without_a_sign_in_state_names_both_ways_to_start_over()
    {
        using var browser = new ConsoleBrowser();
        var (response, body) = await browser.GetAsync($"{_host.BaseUrl}/api/oauth/github/callback?state=nothing&code=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("open the approval link again", body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/api/sign-in?return=%2F\">sign in to the console again</a>", body, StringComparison.Ordinal);
    }
}
