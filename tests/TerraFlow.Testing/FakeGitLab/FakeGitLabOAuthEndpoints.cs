using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TerraFlow.Testing.FakeGitLab;

/// <summary>
/// GitLab's OAuth 2 web flow (Doorkeeper) as GitLab documents it: <c>GET /oauth/authorize</c>, <c>POST /oauth/token</c>
/// (<c>grant_type=authorization_code</c>; errors are 400/401 with "error" and "error_description") and
/// <c>GET /api/v4/user</c> with the user's Bearer token. The "browser" is signed in as
/// <see cref="FakeGitLabOptions.OAuthSignedInUser"/> and has already authorized the application, so authorize
/// redirects straight back with a code, as GitLab does then.
/// </summary>
internal sealed class FakeGitLabOAuthEndpoints(FakeGitLabOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string RedirectUri, string Username, DateTimeOffset ExpiresAt)> _codes = new();
    private readonly Dictionary<string, (string Username, DateTimeOffset ExpiresAt)> _tokens = new();

    /// <summary>The answer for an OAuth page, or null when <paramref name="path"/> is not one.</summary>
    public FakeGitLabResponse? Handle(HttpRequest request, string path, string body) => path switch
    {
        "/oauth/authorize" when request.Method == "GET" => Authorize(request),
        "/oauth/token" when request.Method == "POST" => Token(request, body),
        _ => null,
    };

    /// <summary>The username a user token belongs to, or null (unknown or expired).</summary>
    public string? UserFor(string? token)
    {
        if (token is null) return null;
        lock (_gate)
            return _tokens.TryGetValue(token, out var t) && t.ExpiresAt > options.Time.GetUtcNow() ? t.Username : null;
    }

    private FakeGitLabResponse Authorize(HttpRequest request)
    {
        var q = request.Query;
        // Doorkeeper renders an error page (no redirect) for an unknown client or an unregistered redirect URI.
        if (options.OAuthClientId is null || q["client_id"] != options.OAuthClientId)
            return Page(401, "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        var redirectUri = q["redirect_uri"].ToString();
        if (redirectUri.Length == 0 || (options.OAuthCallbackUrl is { } registered && redirectUri != registered))
            return Page(400, "The redirect uri included is not valid.");
        var state = q["state"].ToString();
        if (q["response_type"] != "code")
            return Redirect(redirectUri, new() { ["error"] = "unsupported_response_type", ["error_description"] = "The authorization server does not support this response type.", ["state"] = Nullable(state) });
        // Nobody signed in: GitLab shows its sign-in page.
        if (options.OAuthSignedInUser is not { } username)
            return new FakeGitLabResponse(200, null, new Dictionary<string, string> { ["X-Fake-GitLab-Page"] = "sign_in" }, "<html>Sign in</html>");

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_gate) _codes[code] = (redirectUri, username, options.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        return Redirect(redirectUri, new() { ["code"] = code, ["state"] = Nullable(state) });
    }

    private FakeGitLabResponse Token(HttpRequest request, string body)
    {
        var form = QueryHelpers.ParseQuery(body);
        string Param(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : request.Query[name].ToString();

        if (options.OAuthClientId is null || Param("client_id") != options.OAuthClientId || Param("client_secret") != options.OAuthClientSecret)
            return TokenError(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        if (Param("grant_type") != "authorization_code")
            return TokenError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");

        (string RedirectUri, string Username, DateTimeOffset ExpiresAt) grant;
        lock (_gate)
        {
            if (!_codes.TryGetValue(Param("code"), out grant) || grant.ExpiresAt <= options.Time.GetUtcNow() || Param("redirect_uri") != grant.RedirectUri)
                return TokenError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            _codes.Remove(Param("code")); // a code works once
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_gate) _tokens[token] = (grant.Username, options.Time.GetUtcNow() + TimeSpan.FromHours(2));
        return new FakeGitLabResponse(200, new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = 7200,
            ["refresh_token"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["scope"] = "read_user",
            ["created_at"] = options.Time.GetUtcNow().ToUnixTimeSeconds(),
        });
    }

    private static string? Nullable(string s) => s.Length > 0 ? s : null;

    private static FakeGitLabResponse TokenError(int status, string error, string description) =>
        new(status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static FakeGitLabResponse Page(int status, string text) => new(status, null, null, "<html>An error has occurred: " + text + "</html>");

    private static FakeGitLabResponse Redirect(string target, Dictionary<string, string?> query) =>
        new(302, null, new Dictionary<string, string> { ["Location"] = QueryHelpers.AddQueryString(target, query) });
}
