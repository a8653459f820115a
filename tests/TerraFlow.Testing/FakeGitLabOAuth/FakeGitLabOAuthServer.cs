using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TerraFlow.Testing.FakeGitLabOAuth;

/// <summary>
/// A local stand-in for GitLab as an OAuth 2.0 provider (the authorization-code flow GitLab documents, served by its
/// Doorkeeper): <c>GET /oauth/authorize</c> redirects back with a code (or an error), <c>POST /oauth/token</c>
/// exchanges a code once for a Bearer token (<c>invalid_grant</c> 400 for a used, unknown, expired or mismatched code,
/// <c>invalid_client</c> 401 for bad client credentials), and <c>GET /api/v4/user</c> answers the token's user.
/// Everything sits under <see cref="FakeGitLabOAuthOptions.PathPrefix"/>, as on an instance with a relative URL root.
/// </summary>
public sealed class FakeGitLabOAuthServer : IAsyncDisposable
{
    private const string InvalidGrant = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
    private const string InvalidClient = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";

    private readonly WebApplication _app;
    private readonly FakeGitLabOAuthOptions _options;
    private readonly ConcurrentDictionary<string, (string RedirectUri, string User, string Scope, DateTimeOffset ExpiresAt)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly ConcurrentQueue<FakeOAuthRequest> _requests = new();

    private FakeGitLabOAuthServer(WebApplication app, FakeGitLabOAuthOptions options, string rootUrl)
    {
        _app = app;
        _options = options;
        WebUrl = rootUrl + options.PathPrefix.TrimEnd('/');
    }

    /// <summary>The instance's web root (where /oauth lives).</summary>
    public string WebUrl { get; }

    /// <summary>Where to point <c>TerraFlow:GitLab:ApiUrl</c>.</summary>
    public string ApiUrl => WebUrl + "/api/v4";

    public FakeGitLabOAuthOptions Options => _options;

    /// <summary>Every request received, in order (form bodies parsed, so tests can check what TerraFlow sent).</summary>
    public IReadOnlyList<FakeOAuthRequest> Requests => _requests.ToArray();

    /// <summary>Access tokens issued so far (each successful code exchange).</summary>
    public int IssuedTokens => _tokens.Count;

    public static async Task<FakeGitLabOAuthServer> StartAsync(FakeGitLabOAuthOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeGitLabOAuthOptions();
        FakeGitLabOAuthServer? server = null;
        var (app, address) = await LoopbackApp.StartAsync(http => server!.HandleAsync(http), ct);
        server = new FakeGitLabOAuthServer(app, options, address);
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(http.RequestAborted);
        var form = request.HasFormContentType || body.Contains('=') ? QueryHelpers.ParseQuery(body) : new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>();
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new FakeOAuthRequest(request.Method, path, request.QueryString.Value ?? "",
            form.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()), request.Headers.Authorization.ToString()));

        var prefix = _options.PathPrefix.TrimEnd('/');
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) { await NotFound(http); return; }
        var local = path[prefix.Length..];
        var result = (request.Method, local) switch
        {
            ("GET", "/oauth/authorize") => Authorize(http),
            ("POST", "/oauth/token") => Token(http, form),
            ("GET", "/api/v4/user") => CurrentUser(http),
            _ => Json(404, new { message = "404 Not Found" }),
        };
        await result.ExecuteAsync(http);
    }

    private IResult Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        // Doorkeeper never redirects to an unverified client or URI: it shows an error page instead.
        if (q["client_id"] != _options.ClientId)
            return Results.Content("<h1>An error has occurred</h1><p>" + InvalidClient + "</p>", "text/html", statusCode: 401);
        var redirectUri = q["redirect_uri"].ToString();
        if (redirectUri.Length == 0 || redirectUri != _options.RedirectUri)
            return Results.Content("<h1>An error has occurred</h1><p>The redirect uri included is not valid.</p>", "text/html", statusCode: 400);

        var state = q["state"].ToString();
        if (q["response_type"] != "code")
            return RedirectBack(redirectUri, state, "unsupported_response_type", "The authorization server does not support this response type.");
        var scope = q["scope"].Count == 0 || string.IsNullOrWhiteSpace(q["scope"]) ? string.Join(' ', _options.Scopes) : q["scope"].ToString();
        if (scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !_options.Scopes.Contains(s)))
            return RedirectBack(redirectUri, state, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
        // Nobody signed in: GitLab sends the browser to its own sign-in page.
        if (_options.SignedInUser is not { } user) return Results.Redirect(WebUrl + "/users/sign_in");
        if (_options.UserDenies)
            return RedirectBack(redirectUri, state, "access_denied", "The resource owner or authorization server denied the request.");

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _codes[code] = (redirectUri, user, scope, _options.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        var query = new Dictionary<string, string?> { ["code"] = code, ["state"] = state.Length > 0 ? state : null };
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, query));
    }

    private IResult Token(HttpContext http, IDictionary<string, Microsoft.Extensions.Primitives.StringValues> form)
    {
        string Param(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : "";
        var (clientId, clientSecret) = (Param("client_id"), Param("client_secret"));
        var basic = http.Request.Headers.Authorization.ToString();
        if (basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic["Basic ".Length..])).Split(':', 2);
            (clientId, clientSecret) = (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "");
        }
        if (clientId != _options.ClientId || clientSecret != _options.ClientSecret)
            return Json(401, new { error = "invalid_client", error_description = InvalidClient });
        if (Param("grant_type") != "authorization_code")
            return Json(400, new { error = "unsupported_grant_type", error_description = "The authorization grant type is not supported by the authorization server." });

        // Single use: the code is gone whether or not the rest of the request is right.
        if (!_codes.TryRemove(Param("code"), out var grant) || grant.ExpiresAt <= _options.Time.GetUtcNow() || grant.RedirectUri != Param("redirect_uri"))
            return Json(400, new { error = "invalid_grant", error_description = InvalidGrant });

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = grant.User;
        return Json(200, new
        {
            access_token = token,
            token_type = "Bearer",
            expires_in = 7200,
            refresh_token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            scope = grant.Scope,
            created_at = _options.Time.GetUtcNow().ToUnixTimeSeconds(),
        });
    }

    private IResult CurrentUser(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth["Bearer ".Length..], out var user))
            return Json(401, new { message = "401 Unauthorized" });
        return Json(200, new
        {
            id = 4000 + (user.Length * 31 % 1000),
            username = user,
            name = user,
            state = "active",
            locked = false,
            avatar_url = WebUrl + "/uploads/-/system/user/avatar/1/avatar.png",
            web_url = WebUrl + "/" + user,
        });
    }

    private static IResult RedirectBack(string redirectUri, string state, string error, string description) =>
        Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
        {
            ["error"] = error,
            ["error_description"] = description,
            ["state"] = state.Length > 0 ? state : null,
        }));

    private static IResult Json(int status, object body) =>
        Results.Content(JsonSerializer.Serialize(body), "application/json", Encoding.UTF8, status);

    private static Task NotFound(HttpContext http) => Json(404, new { message = "404 Not Found" }).ExecuteAsync(http);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the fake received; <paramref name="Form"/> holds a parsed form body.</summary>
public sealed record FakeOAuthRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Form, string Authorization);
