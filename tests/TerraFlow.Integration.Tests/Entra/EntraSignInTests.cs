using System.Net;
using TerraFlow.Testing.FakeEntra;

namespace TerraFlow.Integration.Tests.Entra;

/// <summary>
/// Issue 16: console sign-in with Microsoft Entra ID against a local OpenID Connect stand-in over real HTTP:
/// discovery, JWKS, authorization code with PKCE (S256), id_token signature, issuer, audience, lifetime and nonce
/// checked; the state is single-use on the server; Entra groups become <c>entra:group:&lt;id&gt;</c> roles.
/// </summary>
public sealed class EntraSignInTests : IClassFixture<EntraFixture>
{
    private readonly EntraFixture _f;

    public EntraSignInTests(EntraFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    private string BaseUrl => _f.Host.BaseUrl;

    [Fact]
    public async Task A_group_member_signs_in_with_PKCE_and_nonce_and_gets_the_groups_role()
    {
        using var browser = new EntraBrowser();
        var (page, pageBody) = await browser.GetAsync(BaseUrl + TerraFlow.Functions.Console.ConsoleResponses.SignInPath + "?return=/console/runs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign in with Microsoft Entra ID", pageBody);
        Assert.Contains("/api/auth/entra/sign-in?return=%2Fconsole%2Fruns", pageBody);

        var tokenRequestsBefore = _f.Entra.Requests.Count(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        var (done, _, hops) = await browser.SignInAsync(BaseUrl, "/console/runs");

        // TerraFlow → Entra authorize → TerraFlow callback → the return path.
        Assert.StartsWith(_f.Entra.Instance + _f.Entra.Options.TenantId + "/oauth2/v2.0/authorize?", hops[1].AbsoluteUri);
        Assert.StartsWith(BaseUrl + "/api/auth/entra/callback?code=", hops[2].AbsoluteUri);
        Assert.Equal(BaseUrl + "/console/runs", hops[3].AbsoluteUri);
        Assert.True(browser.HasSession(BaseUrl));
        Assert.NotEqual(HttpStatusCode.BadRequest, done.StatusCode);

        var authorize = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(hops[1].Query);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal(43, authorize["code_challenge"].ToString().Length);
        Assert.True(authorize["nonce"].ToString().Length >= 32);
        Assert.Contains("openid", authorize["scope"].ToString().Split(' '));
        var token = Assert.Single(_f.Entra.Requests.Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).Skip(tokenRequestsBefore));
        Assert.Equal(43, token.Form["code_verifier"].Length);
        Assert.Equal(_f.Entra.Options.ClientSecret, token.Form["client_secret"]);
        Assert.False(token.Form.ContainsKey("client_assertion"));
        Assert.Equal(BaseUrl + "/api/auth/entra/callback", token.Form["redirect_uri"]);

        // Signed in as the Entra user (object id) and, through the admin group, an admin.
        var (signedIn, signedInBody) = await browser.GetAsync(BaseUrl + TerraFlow.Functions.Console.ConsoleResponses.SignInPath);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("Alice Entra", signedInBody);
        var (tokens, _) = await browser.GetAsync(BaseUrl + "/api/tokens");
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        // The state cookie is gone after the callback.
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "terraflow_entra_signin" && !c.Expired && c.Value.Length > 0);
    }

    [Fact]
    public async Task A_user_outside_the_admin_group_signs_in_but_is_no_admin()
    {
        _f.Entra.Options.SignedInUser = EntraFixture.Bob;
        using var browser = new EntraBrowser();
        await browser.SignInAsync(BaseUrl);
        Assert.True(browser.HasSession(BaseUrl));
        var (tokens, _) = await browser.GetAsync(BaseUrl + "/api/tokens");
        Assert.Equal(HttpStatusCode.Forbidden, tokens.StatusCode);
    }

    [Fact]
    public async Task Group_overage_signs_in_without_group_roles()
    {
        _f.Entra.Options.GroupsOverage = true;
        using var browser = new EntraBrowser();
        await browser.SignInAsync(BaseUrl);
        Assert.True(browser.HasSession(BaseUrl));
        var (tokens, _) = await browser.GetAsync(BaseUrl + "/api/tokens");
        Assert.Equal(HttpStatusCode.Forbidden, tokens.StatusCode);
        Assert.Contains(_f.Host.Logs.Lines, l => l.Contains("too many groups", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nonce", "nonce")]
    [InlineData("foreign-key", "bad signature")]
    [InlineData("expired", "expired")]
    [InlineData("audience", "wrong audience")]
    public async Task A_bad_id_token_is_refused_and_starts_no_session(string fault, string reason)
    {
        var o = _f.Entra.Options;
        switch (fault)
        {
            case "nonce": o.NonceOverride = "a-nonce-of-another-sign-in-0123456789abcdef"; break;
            case "foreign-key": o.SignWithForeignKey = true; break;
            case "expired": o.IdTokenLifetime = TimeSpan.FromMinutes(-10); break;
            case "audience": o.AudienceOverride = "00000003-0000-0000-c000-000000000000"; break;
        }
        using var browser = new EntraBrowser();
        var (response, body, hops) = await browser.SignInAsync(BaseUrl);

        Assert.StartsWith(BaseUrl + "/api/auth/entra/callback?code=", hops[^1].AbsoluteUri);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, body);
        Assert.False(browser.HasSession(BaseUrl));
        var (api, _) = await browser.GetAsync(BaseUrl + "/api/runs/1");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_replayed_state_with_a_fresh_code_creates_no_session()
    {
        using var victim = new EntraBrowser();
        var (toEntra, _) = await victim.GetAsync(BaseUrl + "/api/auth/entra/sign-in");
        var authorizeUrl = toEntra.Headers.Location!.AbsoluteUri;
        var callbackUri = new Uri(BaseUrl + "/api/auth/entra/callback");
        var stolen = victim.Cookies.GetCookies(callbackUri)["terraflow_entra_signin"];
        Assert.NotNull(stolen);
        var (done, _, _) = await victim.FollowAsync(authorizeUrl);
        Assert.True(victim.HasSession(BaseUrl));
        var tokenCalls = _f.Entra.Requests.Count(r => r.Path.EndsWith("/token", StringComparison.Ordinal));

        // The copied state cookie, with a fresh code Entra issues for the same authorize URL to whoever is signed in.
        _f.Entra.Options.SignedInUser = EntraFixture.Bob;
        using var attacker = new EntraBrowser();
        attacker.Cookies.Add(callbackUri, new Cookie(stolen.Name, stolen.Value, stolen.Path));
        var (freshCode, _) = await attacker.GetAsync(authorizeUrl);
        var (refused, body) = await attacker.GetAsync(freshCode.Headers.Location!.AbsoluteUri);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("already used", body);
        Assert.False(attacker.HasSession(BaseUrl));
        // Refused before the code was redeemed.
        Assert.Equal(tokenCalls, _f.Entra.Requests.Count(r => r.Path.EndsWith("/token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_code_issued_for_another_code_challenge_is_refused_by_PKCE()
    {
        using var victim = new EntraBrowser();
        var (toEntra, _) = await victim.GetAsync(BaseUrl + "/api/auth/entra/sign-in");
        var authorize = toEntra.Headers.Location!;
        // An attacker's code for the same client and redirect URI, bound to the attacker's own challenge, injected
        // into the victim's callback (with the victim's state).
        var attackerChallenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData("attacker-verifier-0123456789-0123456789-abcdef"u8.ToArray()));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Query).ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString());
        query["code_challenge"] = attackerChallenge;
        var injectedAuthorize = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(authorize.GetLeftPart(UriPartial.Path), query);
        var (withCode, _) = await victim.GetAsync(injectedAuthorize);

        var (refused, body) = await victim.GetAsync(withCode.Headers.Location!.AbsoluteUri);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("invalid_grant", body);
        Assert.False(victim.HasSession(BaseUrl));
    }

    [Fact]
    public async Task A_rotated_signing_key_is_fetched_again_and_sign_in_keeps_working()
    {
        using (var first = new EntraBrowser())
        {
            await first.SignInAsync(BaseUrl);
            Assert.True(first.HasSession(BaseUrl));
        }
        var jwksBefore = _f.Entra.Requests.Count(r => r.Path.EndsWith("/discovery/v2.0/keys", StringComparison.Ordinal));
        _f.Entra.RotateKey();

        using var second = new EntraBrowser();
        await second.SignInAsync(BaseUrl);

        Assert.True(second.HasSession(BaseUrl));
        Assert.Equal(jwksBefore + 1, _f.Entra.Requests.Count(r => r.Path.EndsWith("/discovery/v2.0/keys", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_callback_without_the_state_cookie_or_with_another_state_is_refused()
    {
        using var browser = new EntraBrowser();
        var (noCookie, _) = await browser.GetAsync(BaseUrl + "/api/auth/entra/callback?code=abc&state=xyz");
        Assert.Equal(HttpStatusCode.BadRequest, noCookie.StatusCode);

        await browser.GetAsync(BaseUrl + "/api/auth/entra/sign-in");
        var (otherState, body) = await browser.GetAsync(BaseUrl + "/api/auth/entra/callback?code=abc&state=not-the-state");
        Assert.Equal(HttpStatusCode.BadRequest, otherState.StatusCode);
        Assert.Contains("does not belong", body);
        Assert.False(browser.HasSession(BaseUrl));
    }

    [Fact]
    public async Task The_return_path_never_leaves_TerraFlow()
    {
        using var browser = new EntraBrowser();
        var (_, _, hops) = await browser.SignInAsync(BaseUrl, "//evil.example/x");
        Assert.Equal(BaseUrl + "/", hops[3].AbsoluteUri);
    }
}
