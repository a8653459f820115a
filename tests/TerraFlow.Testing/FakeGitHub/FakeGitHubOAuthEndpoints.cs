using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>
/// GitHub App user authorization (the OAuth web flow) as GitHub documents it: <c>GET /login/oauth/authorize</c>,
/// <c>POST /login/oauth/access_token</c> (errors are 200 with an "error" field) and <c>GET /user</c> with the user
/// token. The OAuth pages live at the web root, outside a GHES <see cref="FakeGitHubOptions.PathPrefix"/>; /user is
/// an API call and lives under it. The "browser" is always signed in as <see cref="FakeGitHubOptions.OAuthSignedInUser"/>
/// and has already authorized the App, so authorize redirects straight back, as GitHub does then.
/// </summary>
internal sealed class FakeGitHubOAuthEndpoints(FakeGitHubOptions options, FakeGitHubResponses responses)
{
    private const string TroubleshootAuthorize = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors";
    private const string TroubleshootToken = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string RedirectUri, string Login, DateTimeOffset ExpiresAt)> _codes = new();
    private readonly Dictionary<string, (string Login, DateTimeOffset ExpiresAt)> _userTokens = new();

    /// <summary>The answer for an OAuth request, or null when <paramref name="path"/> is not one of these endpoints.</summary>
    public FakeResponse? Handle(HttpRequest request, string path, string body)
    {
        if (path == "/login/oauth/authorize") return request.Method == "GET" ? Authorize(request) : NotFound();
        if (path == "/login/oauth/access_token") return request.Method == "POST" ? AccessToken(request, body) : NotFound();
        if (path == options.PathPrefix.TrimEnd('/') + "/user" && request.Method == "GET") return CurrentUser(request);
        return null;
    }

    /// <summary>How many user tokens the fake has issued (each code exchange that succeeded).</summary>
    public int IssuedUserTokens
    {
        get { lock (_gate) return _userTokens.Count; }
    }

    private FakeResponse Authorize(HttpRequest request)
    {
        var q = request.Query;
        // An unknown client id gets GitHub's plain 404 page.
        if (options.OAuthClientId is null || q["client_id"] != options.OAuthClientId) return NotFound();

        var registered = options.OAuthCallbackUrl;
        string redirectUri = q["redirect_uri"].ToString();
        var state = q["state"].ToString();
        if (redirectUri.Length == 0)
        {
            if (registered is null) return NotFound();
            redirectUri = registered;
        }
        else if (registered is not null && redirectUri != registered)
        {
            // GitHub Apps: redirect_uri must be one of the registered callback URLs; otherwise GitHub sends the browser
            // to the registered callback with an error instead of a code.
            return Redirect(registered, new Dictionary<string, string?>
            {
                ["error"] = "redirect_uri_mismatch",
                ["error_description"] = "The redirect_uri MUST match the registered callback URL for this application.",
                ["error_uri"] = TroubleshootAuthorize + "#redirect-uri-mismatch",
                ["state"] = state.Length > 0 ? state : null,
            });
        }

        // Nobody signed in: GitHub shows its sign-in page (HTML) and does not redirect.
        if (options.OAuthSignedInUser is not { } login)
            return new FakeResponse(200, null, new Dictionary<string, string> { ["X-Fake-GitHub-Page"] = "login" });

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)); // GitHub's codes are 20 hex characters
        lock (_gate) _codes[code] = (redirectUri, login, options.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        return Redirect(redirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = state.Length > 0 ? state : null });
    }

    private FakeResponse AccessToken(HttpRequest request, string body)
    {
        // Parameters may come as a form body or in the query string; GitHub accepts both.
        var form = QueryHelpers.ParseQuery(body);
        string Param(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : request.Query[name].ToString();

        if (options.OAuthClientId is null || Param("client_id") != options.OAuthClientId || Param("client_secret") != options.OAuthClientSecret)
            return TokenError("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "#incorrect-client-credentials");

        var code = Param("code");
        (string RedirectUri, string Login, DateTimeOffset ExpiresAt) grant;
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out grant) || grant.ExpiresAt <= options.Time.GetUtcNow())
                return TokenError("bad_verification_code", "The code passed is incorrect or expired.", "#bad-verification-code");
            var redirectUri = Param("redirect_uri");
            if (redirectUri.Length > 0 && redirectUri != grant.RedirectUri)
                return TokenError("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", "#redirect-uri-mismatch");
            _codes.Remove(code); // a code works once
        }

        var token = "ghu_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        lock (_gate) _userTokens[token] = (grant.Login, options.Time.GetUtcNow() + TimeSpan.FromHours(8));
        // A GitHub App with expiring user tokens (the default) answers with these fields; scope is empty for Apps.
        return new FakeResponse(200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = 28800,
            ["refresh_token"] = "ghr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(38)),
            ["refresh_token_expires_in"] = 15897600,
            ["scope"] = "",
            ["token_type"] = "bearer",
        });
    }

    private FakeResponse CurrentUser(HttpRequest request)
    {
        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (credential is null) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Requires authentication", "/users/users#get-the-authenticated-user"));
        string? login = null;
        lock (_gate)
            if (_userTokens.TryGetValue(credential, out var t) && t.ExpiresAt > options.Time.GetUtcNow()) login = t.Login;
        if (credential == options.Token) login = options.TokenUser;
        if (login is null) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Bad credentials"));

        // GET /user answers the public user fields plus the profile ones.
        var user = responses.User(login);
        var now = options.Time.GetUtcNow();
        user["user_view_type"] = "private";
        user["name"] = login;
        user["company"] = null;
        user["blog"] = "";
        user["location"] = null;
        user["email"] = null;
        user["hireable"] = null;
        user["bio"] = null;
        user["twitter_username"] = null;
        user["public_repos"] = 2;
        user["public_gists"] = 0;
        user["followers"] = 1;
        user["following"] = 0;
        user["created_at"] = FakeGitHubResponses.Timestamp(now.AddYears(-3));
        user["updated_at"] = FakeGitHubResponses.Timestamp(now.AddDays(-1));
        return new FakeResponse(200, user);
    }

    private static FakeResponse TokenError(string error, string description, string anchor) => new(200, new JsonObject
    {
        ["error"] = error,
        ["error_description"] = description,
        ["error_uri"] = TroubleshootToken + "/" + anchor,
    });

    private static FakeResponse Redirect(string target, Dictionary<string, string?> query) =>
        new(302, null, new Dictionary<string, string> { ["Location"] = QueryHelpers.AddQueryString(target, query) });

    private static FakeResponse NotFound() => new(404, FakeGitHubResponses.Error(404, "Not Found"));
}
