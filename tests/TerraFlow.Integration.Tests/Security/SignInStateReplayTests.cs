using System.Net;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 10: "replaying a used sign-in state cookie with a code created a session". A copy of the state cookie, taken
/// before the browser finished its sign-in, is presented again with a fresh code for the same state (as anyone who
/// can complete GitHub's authorize step can get): the server remembers the state was used and creates no session.
/// Real host, real PostgreSQL, GitHub's OAuth through the stand-in, over HTTP.
/// </summary>
public sealed class SignInStateReplayTests : IAsyncLifetime
{
    private readonly FakeGitHubOptions _fake = new();
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

    [Fact]
    public async Task A_used_sign_in_state_cookie_with_a_new_code_creates_no_session()
    {
        var link = _host.Links.Issue(4242, "network", new string('a', 64), DateTimeOffset.UtcNow);
        var callbackUri = new Uri(_host.BaseUrl + "/api/oauth/github/callback");
        using var victim = new ApprovalBrowser();

        // The victim starts signing in; the state cookie is copied at this point (a shared machine, a proxy log, ...).
        var (toGitHub, _) = await victim.GetAsync(link + "/sign-in");
        var authorizeUrl = toGitHub.Headers.Location!.AbsoluteUri;
        var stolen = victim.Cookies.GetCookies(callbackUri)["terraflow_signin"];
        Assert.NotNull(stolen);

        // The victim finishes: one session, as before.
        var (toCallback, _) = await victim.GetAsync(authorizeUrl);
        var (toLink, _) = await victim.GetAsync(toCallback.Headers.Location!.AbsoluteUri);
        Assert.Equal(HttpStatusCode.Redirect, toLink.StatusCode);
        Assert.Single(victim.Cookies.GetAllCookies(), c => c.Name == "terraflow_approver");

        // The copy, with a fresh code GitHub issues for the same state to whoever is signed in there.
        _fake.OAuthSignedInUser = "mallory";
        using var attacker = new ApprovalBrowser();
        attacker.Cookies.Add(callbackUri, new Cookie(stolen.Name, stolen.Value, stolen.Path));
        var (freshCode, _) = await attacker.GetAsync(authorizeUrl);
        var replay = freshCode.Headers.Location!.AbsoluteUri;
        Assert.StartsWith(callbackUri.AbsoluteUri + "?code=", replay);

        var (refused, body) = await attacker.GetAsync(replay);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("already used", body);
        Assert.DoesNotContain(attacker.Cookies.GetAllCookies(), c => c.Name == "terraflow_approver");
        // Refused before the code was exchanged: TerraFlow asked GitHub for exactly one token, the victim's.
        Assert.Single(_github.Requests, r => r.Path == "/login/oauth/access_token");
        var (page, pageBody) = await attacker.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign in with GitHub", pageBody);
        Assert.DoesNotContain("mallory", pageBody);
    }
}
