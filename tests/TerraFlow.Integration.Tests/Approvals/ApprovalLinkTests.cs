using System.Net;
using System.Security.Cryptography;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.Approvals;

/// <summary>
/// The approval link over real HTTP: TerraFlow's host, PostgreSQL, and GitHub sign-in through the fake. Every refusal
/// also checks that the recorder was never called.
/// </summary>
public sealed class ApprovalLinkTests : IAsyncLifetime
{
    private static readonly string PlanHash = Convert.ToHexStringLower(SHA256.HashData("plan bytes"u8));
    private readonly FakeGitHubOptions _fake = new();
    private FakeGitHubServer _github = null!;
    private ApprovalTestHost _host = null!;
    private long _nextRun = 1000;

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

    private (long Run, string Link) NewLink(string project = "network", DateTimeOffset? issuedAt = null)
    {
        var run = Interlocked.Increment(ref _nextRun);
        return (run, _host.Links.Issue(run, project, PlanHash, issuedAt ?? DateTimeOffset.UtcNow));
    }

    private static void AssertSafeHeaders(HttpResponseMessage response)
    {
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "");
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public void Links_are_absolute_under_the_public_url()
    {
        var (_, link) = NewLink();
        Assert.StartsWith(_host.BaseUrl + "/api/approvals/", link);
    }

    [Fact]
    public async Task Get_without_sign_in_shows_the_plan_and_a_sign_in_link_and_approves_nothing()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();
        for (var i = 0; i < 3; i++) // link scanners may fetch a link any number of times
        {
            var (response, body) = await browser.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertSafeHeaders(response);
            Assert.Contains("acme/infra", body);
            Assert.Contains("2 to add, 0 to change, 1 to destroy", body);
            Assert.Contains("Sign in with GitHub", body);
            Assert.Contains($"href=\"{new Uri(link).AbsolutePath}/sign-in\"", body);
            Assert.DoesNotContain("<form", body);
        }
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Signing_in_through_GitHub_then_confirming_records_one_approval()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();

        var (page, body, hops) = await browser.SignInAsync(link);
        // TerraFlow → GitHub authorize → TerraFlow callback → back to the approval page.
        Assert.Equal(4, hops.Count);
        Assert.Equal(_github.RootUrl + "/login/oauth/authorize", hops[1].GetLeftPart(UriPartial.Path));
        Assert.Contains("client_id=" + _fake.OAuthClientId, hops[1].Query);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(_host.BaseUrl + "/api/oauth/github/callback"), hops[1].Query);
        Assert.Equal(_host.BaseUrl + "/api/oauth/github/callback", hops[2].GetLeftPart(UriPartial.Path));
        Assert.Equal(link, hops[3].AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertSafeHeaders(page);
        Assert.Contains("Signed in as <strong>octocat</strong>", body);
        Assert.Contains("<form method=\"post\"", body);

        // The token exchange asked for JSON, and the user token never reached the browser.
        var exchange = _github.Requests.Single(r => r.Path == "/login/oauth/access_token");
        Assert.Equal("application/json", exchange.Headers["Accept"]);
        var cookies = browser.Cookies.GetAllCookies();
        Assert.DoesNotContain(cookies, c => c.Value.Contains("ghu_", StringComparison.Ordinal));
        var session = Assert.Single(cookies, c => c.Name == "terraflow_approver");
        Assert.True(session.HttpOnly);
        Assert.Equal("/api/approvals", session.Path);

        Assert.Equal(0, _host.Recorder.RecordCallsFor(run)); // still only looked at
        var antiForgery = ApprovalBrowser.AntiForgery(body);
        Assert.NotNull(antiForgery);
        var (approved, approvedBody) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        AssertSafeHeaders(approved);
        Assert.Contains("octocat approved network", approvedBody);
        var call = Assert.Single(_host.Recorder.RecordCalls, c => c.Claims.RunId == run);
        Assert.Equal("octocat", call.Login);
        Assert.Equal(PlanHash, call.Claims.PlanSha256);

        // A second POST gets the recorder's idempotent answer, not a second approval.
        var (again, _) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Post_without_a_session_is_401_and_records_nothing()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();
        var (response, body) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = "AAAA" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Sign in with GitHub", body);
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Post_without_or_with_a_wrong_anti_forgery_token_is_403_and_records_nothing()
    {
        var (run, link) = NewLink();
        var (_, otherLink) = NewLink();
        using var browser = new ApprovalBrowser();
        await browser.SignInAsync(link);
        var (_, otherPage, _) = await browser.FollowAsync(otherLink);
        var tokenForOtherLink = ApprovalBrowser.AntiForgery(otherPage)!;

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(link, null)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(link, new Dictionary<string, string>())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = "wrong" })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = tokenForOtherLink })).Response.StatusCode);

        // Another browser's anti-forgery token for the same link does not fit this session either.
        using var other = new ApprovalBrowser();
        var (_, otherBrowserPage, _) = await other.SignInAsync(link);
        var (stolen, _) = await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = ApprovalBrowser.AntiForgery(otherBrowserPage)! });
        Assert.Equal(HttpStatusCode.Forbidden, stolen.StatusCode);
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Tampered_links_are_400_for_get_sign_in_and_post_and_record_nothing()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();
        var (_, page, _) = await browser.SignInAsync(link);
        var antiForgery = ApprovalBrowser.AntiForgery(page)!;

        var dot = link.LastIndexOf('.');
        foreach (var index in new[] { dot - 5, dot + 5 }) // one character of the payload, one of the signature
        {
            var tampered = link[..index] + (link[index] == 'x' ? 'y' : 'x') + link[(index + 1)..];
            var (get, body) = await browser.GetAsync(tampered);
            Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
            Assert.Contains("not valid", body);
            AssertSafeHeaders(get);
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(tampered + "/sign-in")).Response.StatusCode);
            var (post, _) = await browser.PostFormAsync(tampered, new Dictionary<string, string> { ["terraflow_antiforgery"] = antiForgery });
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(_host.BaseUrl + "/api/approvals/garbage")).Response.StatusCode);
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Expired_links_are_410_and_record_nothing()
    {
        var (run, link) = NewLink(issuedAt: DateTimeOffset.UtcNow - TimeSpan.FromHours(73));
        using var browser = new ApprovalBrowser();
        var (get, body) = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Contains("expired", body);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link + "/sign-in")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = "x" })).Response.StatusCode);
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Sign_in_only_ever_returns_to_the_approval_page()
    {
        var (_, link) = NewLink();
        using var browser = new ApprovalBrowser();
        // Parameters a phisher might add are ignored: the return path comes from the signed link only.
        var (_, _, hops) = await browser.FollowAsync(link + "/sign-in?returnTo=https://evil.example/&redirect_uri=https://evil.example/");
        Assert.Equal(link, hops[^1].AbsoluteUri);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(_host.BaseUrl + "/api/oauth/github/callback"), hops[1].Query);

        // A route value that tries to climb out is not a link TerraFlow issued.
        var (climb, _) = await browser.GetAsync(_host.BaseUrl + "/api/approvals/%2F%2Fevil.example/sign-in");
        Assert.Equal(HttpStatusCode.BadRequest, climb.StatusCode);
        Assert.Null(climb.Headers.Location);
    }

    [Fact]
    public async Task A_callback_whose_state_does_not_match_this_browser_is_refused()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();
        var (toGitHub, _) = await browser.GetAsync(link + "/sign-in");
        var (toCallback, _) = await browser.GetAsync(toGitHub.Headers.Location!.AbsoluteUri);
        var callback = toCallback.Headers.Location!.AbsoluteUri;
        var stateStart = callback.IndexOf("state=", StringComparison.Ordinal) + "state=".Length;
        // Change the state's first character (to another one: a state may itself start with 'x').
        var wrongState = callback[..stateStart] + (callback[stateStart] == 'x' ? 'y' : 'x') + callback[(stateStart + 1)..];

        var (refused, body) = await browser.GetAsync(wrongState);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("does not belong", body);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "terraflow_approver");

        // The state cookie is single-use: the genuine callback after a refusal is refused too.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(callback)).Response.StatusCode);

        // A callback in a browser that never started a sign-in (login CSRF) is refused.
        using var victim = new ApprovalBrowser();
        var (csrf, _) = await victim.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, csrf.StatusCode);
        Assert.DoesNotContain(victim.Cookies.GetAllCookies(), c => c.Name == "terraflow_approver");
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task A_forged_session_cookie_is_not_a_session()
    {
        var (run, link) = NewLink();
        using var browser = new ApprovalBrowser();
        browser.Cookies.Add(new Uri(_host.BaseUrl), new Cookie("terraflow_approver", "eyJsb2dpbiI6Im1hbGxvcnkifQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/api/approvals"));
        var (get, body) = await browser.GetAsync(link);
        Assert.Contains("Sign in with GitHub", body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostFormAsync(link, new Dictionary<string, string> { ["terraflow_antiforgery"] = "AAAA" })).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(0, _host.Recorder.RecordCallsFor(run));
    }

    [Fact]
    public async Task Unknown_runs_are_404_and_problems_are_shown_without_a_form()
    {
        using var browser = new ApprovalBrowser();
        var missing = _host.Links.Issue(CountingApprovalRecorder.MissingRun, "network", PlanHash, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(missing)).Response.StatusCode);

        var superseded = _host.Links.Issue(CountingApprovalRecorder.SupersededRun, "network", PlanHash, DateTimeOffset.UtcNow);
        await browser.SignInAsync(superseded);
        var (response, body) = await browser.GetAsync(superseded);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("A newer push superseded this plan.", body);
        Assert.DoesNotContain("<form", body);
    }

    [Fact]
    public async Task Dynamic_values_are_html_encoded()
    {
        var (_, link) = NewLink(project: "<script>alert(1)</script>");
        using var browser = new ApprovalBrowser();
        var (_, body) = await browser.GetAsync(link);
        Assert.DoesNotContain("<script>", body);
        Assert.Contains("&lt;script&gt;", body);
    }

    [Fact]
    public async Task A_second_host_on_the_same_database_accepts_the_first_hosts_links()
    {
        var (_, link) = NewLink();
        var fake = new FakeGitHubOptions();
        await using var github = await FakeGitHubServer.StartAsync(fake);
        await using var second = await ApprovalTestHost.StartAsync(github, fake, connectionString: _host.ConnectionString);
        var token = link[(link.LastIndexOf('/') + 1)..];
        Assert.True(second.Links.Verify(token, DateTimeOffset.UtcNow).IsValid);
    }
}
