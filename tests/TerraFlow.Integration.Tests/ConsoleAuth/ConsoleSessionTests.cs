using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Application.Access;
using TerraFlow.Core.Approvals;
using TerraFlow.Functions.Approvals;
using TerraFlow.Functions.Console;
using TerraFlow.Integration.Tests.Approvals;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>
/// Console sign-in with GitHub (the real host, real PostgreSQL, the GitHub stand-in's OAuth web flow) and what the
/// session cookie must withstand: forging, another key, expiry, sign-out, a second instance.
/// </summary>
public sealed class ConsoleSessionTests : IAsyncLifetime
{
    private const string MissingRun = "/api/runs/424242";
    private readonly FakeGitHubOptions _fake = new() { OAuthSignedInUser = "octocat" };
    private FakeGitHubServer _github = null!;
    private ApprovalTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(_fake);
        _host = await ApprovalTestHost.StartAsync(_github, _fake, settings: new Dictionary<string, string> { ["TerraFlow:Auth:Operators"] = "github:team:acme/platform" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
    }

    private async Task<(ConsoleBrowser Browser, List<(Uri Url, HttpResponseMessage Response, string Body)> Hops)> SignInAsync(string returnPath)
    {
        var browser = new ConsoleBrowser();
        var hops = await browser.FollowAsync($"{_host.BaseUrl}/sign-in/github?return={Uri.EscapeDataString(returnPath)}");
        return (browser, hops);
    }

    private async Task<HttpStatusCode> GetWithCookieAsync(string baseUrl, string? cookie, string path = MissingRun)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
        if (cookie is not null) request.Headers.Add("Cookie", $"{ConsoleSessions.CookieName}={cookie}");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Signing_in_with_GitHub_sets_one_signed_HttpOnly_Lax_session_cookie_and_returns_to_the_page()
    {
        using var anonymous = new ConsoleBrowser();
        var (before, _) = await anonymous.GetAsync(_host.BaseUrl + MissingRun);
        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        var (page, html) = await anonymous.GetAsync($"{_host.BaseUrl}/sign-in?return={Uri.EscapeDataString(MissingRun)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"href=\"/sign-in/github?return={Uri.EscapeDataString(MissingRun)}\"", WebUtility.HtmlDecode(html));
        Assert.Contains("Sign in with GitHub", html);

        var (browser, hops) = await SignInAsync(MissingRun);
        using var _ = browser;
        // /sign-in/github → GitHub's authorize → TerraFlow's callback (shared with approval sign-in) → the page.
        Assert.Equal(4, hops.Count);
        Assert.Equal(_github.RootUrl.TrimEnd('/') + "/login/oauth/authorize", hops[1].Url.GetLeftPart(UriPartial.Path));
        Assert.Equal("/api/oauth/github/callback", hops[2].Url.AbsolutePath);
        Assert.Equal(MissingRun, hops[3].Url.AbsolutePath);
        // Signed in: the API answers (the run does not exist) instead of 401.
        Assert.Equal(HttpStatusCode.NotFound, hops[3].Response.StatusCode);

        var setCookie = Assert.Single(hops[2].Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/;", setCookie + ";", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // served over http here
        var cookie = Assert.Single(browser.Cookies.GetCookies(new Uri(_host.BaseUrl)), c => c.Name == ConsoleSessions.CookieName);
        Assert.InRange(cookie.Expires.ToUniversalTime(), DateTime.UtcNow.AddHours(8).AddMinutes(-5), DateTime.UtcNow.AddHours(8).AddMinutes(5));
        // No approver session was created by a console sign-in.
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith(ApproverCookies.SessionName, StringComparison.Ordinal));

        var (signedIn, signedInHtml) = await browser.GetAsync(_host.BaseUrl + "/sign-in");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("Signed in as <strong>octocat</strong> (github)", signedInHtml);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("/api/../../etc")]
    public async Task A_return_path_that_could_leave_TerraFlow_becomes_the_home_page(string returnPath)
    {
        var (browser, hops) = await SignInAsync(returnPath);
        using var _ = browser;
        var callback = hops.Single(h => h.Url.AbsolutePath == "/api/oauth/github/callback");
        Assert.Equal(HttpStatusCode.Found, callback.Response.StatusCode);
        Assert.Equal("/", callback.Response.Headers.Location!.OriginalString);
        Assert.NotNull(browser.SessionCookie(_host.BaseUrl));
    }

    [Fact]
    public async Task Forged_foreign_key_expired_and_unknown_session_cookies_are_refused()
    {
        var (browser, _) = await SignInAsync(MissingRun);
        using var __ = browser;
        var good = browser.SessionCookie(_host.BaseUrl)!;
        Assert.Equal(HttpStatusCode.NotFound, await GetWithCookieAsync(_host.BaseUrl, good));

        // Forged: the payload says someone else, the signature is the original one.
        var dot = good.IndexOf('.', StringComparison.Ordinal);
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(good.AsSpan(0, dot)))!;
        payload["login"] = "admin";
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + good[dot..];
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, forged));
        // Tampered signature.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, string.Concat(good.AsSpan(0, good.Length - 2), good[^2] == 'A' ? "B" : "A", good[^1].ToString())));

        var user = new ConsoleUser("github", "octocat", "octocat", ConsoleRole.Viewer, []);
        var keys = await _host.Services.GetRequiredService<ApprovalSigningKeys>().GetAsync(CancellationToken.None);
        // Signed with another TerraFlow's key.
        var other = new ApprovalKeyRing(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, ConsoleSessionTicket.Start(user, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)).Seal(other.ConsoleSessionKey)));
        // Signed with this TerraFlow's approver-session key (another purpose).
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, ConsoleSessionTicket.Start(user, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)).Seal(keys.SessionKey)));
        // Correctly signed but never started on the server.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, ConsoleSessionTicket.Start(user, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)).Seal(keys.ConsoleSessionKey)));
        // Correctly signed, started on the server, expired.
        var store = _host.Services.GetRequiredService<IConsoleSessionStore>();
        var expired = ConsoleSessionTicket.Start(user, DateTimeOffset.UtcNow.AddHours(-9), TimeSpan.FromHours(8));
        await store.StartAsync(expired.SessionId, user, DateTimeOffset.UtcNow.AddHours(-9), expired.ExpiresAt, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, expired.Seal(keys.ConsoleSessionKey)));
        // Expired in the cookie while the server row would still be live: the cookie's own expiry counts too.
        var lying = expired with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, lying.Seal(keys.ConsoleSessionKey)));

        Assert.Equal(HttpStatusCode.NotFound, await GetWithCookieAsync(_host.BaseUrl, good));
    }

    [Fact]
    public async Task Sign_out_is_a_POST_with_the_anti_forgery_token_and_ends_every_copy_of_the_session()
    {
        var (browser, _) = await SignInAsync(MissingRun);
        using var __ = browser;
        var copy = browser.SessionCookie(_host.BaseUrl)!;
        var (_, page) = await browser.GetAsync(_host.BaseUrl + "/sign-in");
        var token = ConsoleBrowser.AntiForgery(page);
        Assert.NotNull(token);
        Assert.Contains("<form method=\"post\" action=\"/sign-out\">", page);

        // Another session's token does not fit this one.
        var (other, ___) = await SignInAsync(MissingRun);
        using var o = other;
        var (_, otherPage) = await other.GetAsync(_host.BaseUrl + "/sign-in");
        var otherToken = ConsoleBrowser.AntiForgery(otherPage)!;
        Assert.NotEqual(token, otherToken);

        var (missing, _) = await browser.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var (wrong, _) = await browser.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string> { [ConsoleAntiForgery.FieldName] = otherToken });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var (garbage, _) = await browser.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string> { [ConsoleAntiForgery.FieldName] = "not-a-token" });
        Assert.Equal(HttpStatusCode.Forbidden, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await GetWithCookieAsync(_host.BaseUrl, copy));

        var (signedOut, _) = await browser.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string> { [ConsoleAntiForgery.FieldName] = token! });
        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("/sign-in", signedOut.Headers.Location!.OriginalString);
        Assert.Null(browser.SessionCookie(_host.BaseUrl));
        // A copy of the cookie taken before sign-out is dead too; the other session lives on.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(_host.BaseUrl, copy));
        Assert.Equal(HttpStatusCode.NotFound, await GetWithCookieAsync(_host.BaseUrl, other.SessionCookie(_host.BaseUrl)));
        // An anonymous POST is sent to sign in, not executed.
        using var anonymous = new ConsoleBrowser();
        var (anon, _) = await anonymous.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string> { [ConsoleAntiForgery.FieldName] = token! });
        Assert.Equal(HttpStatusCode.Found, anon.StatusCode);
        Assert.StartsWith("/sign-in?return=", anon.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_accepts_the_session_and_its_sign_out()
    {
        await using var second = await ApprovalTestHost.StartAsync(_github, new FakeGitHubOptions(), signInConfigured: false, connectionString: _host.ConnectionString);
        var (browser, _) = await SignInAsync(MissingRun);
        using var __ = browser;
        var cookie = browser.SessionCookie(_host.BaseUrl)!;
        Assert.Equal(HttpStatusCode.NotFound, await GetWithCookieAsync(second.BaseUrl, cookie));

        var (_, page) = await browser.GetAsync(_host.BaseUrl + "/sign-in");
        await browser.PostFormAsync(_host.BaseUrl + "/sign-out", new Dictionary<string, string> { [ConsoleAntiForgery.FieldName] = ConsoleBrowser.AntiForgery(page)! });
        Assert.Equal(HttpStatusCode.Unauthorized, await GetWithCookieAsync(second.BaseUrl, cookie));
    }

    [Fact]
    public async Task Team_membership_named_in_Operators_makes_an_operator_and_the_worker_check_sees_the_same_session()
    {
        _github.SetTeamMembership("acme", "platform", "octocat");
        var (browser, _) = await SignInAsync(MissingRun);
        using var __ = browser;
        var cookie = browser.SessionCookie(_host.BaseUrl)!;

        var http = NewRequest();
        http.Request.Path = MissingRun;
        http.Request.Headers.Cookie = $"{ConsoleSessions.CookieName}={cookie}";
        Assert.Null(await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.Operate));
        var user = ConsoleClaims.FromPrincipal(http.User)!;
        Assert.Equal(("github", "octocat", ConsoleRole.Operator), (user.IdentityProvider, user.Login, user.Role));
        Assert.Equal(["acme/platform"], user.Groups);

        var admin = NewRequest();
        admin.Request.Path = "/api/tokens";
        admin.Request.Headers.Cookie = $"{ConsoleSessions.CookieName}={cookie}";
        var refused = await ConsoleAuthentication.AuthenticateAsync(admin, ConsolePolicies.Admin);
        Assert.Equal(403, Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IStatusCodeHttpResult>(refused).StatusCode);

        var anonymous = NewRequest();
        anonymous.Request.Path = MissingRun;
        var notSignedIn = await ConsoleAuthentication.AuthenticateAsync(anonymous, ConsolePolicies.SignedIn);
        Assert.Equal(401, Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IStatusCodeHttpResult>(notSignedIn).StatusCode);
    }

    /// <summary>A request context with its own service scope, as each request (and worker invocation) has.</summary>
    private Microsoft.AspNetCore.Http.DefaultHttpContext NewRequest() => new() { RequestServices = _host.Services.CreateScope().ServiceProvider };

    [Fact]
    public async Task Without_team_membership_the_same_user_is_a_viewer()
    {
        var (browser, _) = await SignInAsync(MissingRun);
        using var __ = browser;
        var http = NewRequest();
        http.Request.Path = MissingRun;
        http.Request.Headers.Cookie = $"{ConsoleSessions.CookieName}={browser.SessionCookie(_host.BaseUrl)}";
        Assert.Null(await ConsoleAuthentication.AuthenticateAsync(http, ConsolePolicies.SignedIn));
        Assert.Equal(ConsoleRole.Viewer, ConsoleClaims.FromPrincipal(http.User)!.Role);
        Assert.Empty(ConsoleClaims.FromPrincipal(http.User)!.Groups);
    }
}
