using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TerraFlow.Testing.FakeGitHub;

/// <summary>A response the fake is about to send.</summary>
internal sealed record FakeResponse(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Routes requests to the GitHub endpoints TerraFlow uses, with GitHub's status codes and error bodies.
/// Endpoint logic for repositories lives in <see cref="FakeGitHubRepoEndpoints"/>.
/// </summary>
internal sealed class FakeGitHubRouter(FakeGitHubOptions options, FakeGitHubState state, FakeGitHubAuth auth)
{
    private FakeGitHubRepoEndpoints? _repos;
    private FakeGitHubAccessEndpoints? _access;
    private FakeGitHubOAuthEndpoints? _oauth;
    private FakeGitHubResponses? _responses;

    private JsonObject UserJson(string login) => _responses!.User(login);

    /// <summary>The repositories' issues (set by <see cref="Bind"/>).</summary>
    public FakeGitHubIssues? Issues { get; private set; }

    /// <summary>Set once the server knows its address (response bodies contain absolute URLs).</summary>
    public void Bind(FakeGitHubResponses responses)
    {
        _responses = responses;
        Issues = new FakeGitHubIssues(options, state, responses);
        _repos = new FakeGitHubRepoEndpoints(options, state, responses, Issues);
        _access = new FakeGitHubAccessEndpoints(state, responses, responses.ApiUrl);
        _oauth = new FakeGitHubOAuthEndpoints(options, responses);
    }

    public async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
            body = await reader.ReadToEndAsync(context.RequestAborted);

        if (options.BeforeRequest is { } before) await before(context.Request.Method, context.Request.Path.Value ?? "");
        var response = ContentLimitExceeded(context.Request.Method) ?? Dispatch(context.Request, body);

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        state.Log(new FakeRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            headers.GetValueOrDefault("Authorization"), headers, body, response.Status) { At = options.Time.GetUtcNow() });

        context.Response.StatusCode = response.Status;
        context.Response.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";
        context.Response.Headers["X-GitHub-Api-Version-Selected"] = "2022-11-28";
        context.Response.Headers["X-RateLimit-Limit"] = "5000";
        context.Response.Headers["X-RateLimit-Remaining"] = "4999";
        context.Response.Headers["X-RateLimit-Used"] = "1";
        context.Response.Headers["X-RateLimit-Reset"] = FakeGitHubFaults.Epoch(options.Time.GetUtcNow() + TimeSpan.FromHours(1));
        context.Response.Headers["X-RateLimit-Resource"] = "core";
        context.Response.Headers["X-GitHub-Request-Id"] = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(response.Body.ToJsonString(), context.RequestAborted);
        }
    }

    /// <summary>
    /// GitHub's secondary limit on content-creating requests, when <see cref="FakeGitHubOptions.ContentRequestsPerMinute"/>
    /// is set: a POST/PATCH/PUT/DELETE beyond it within the last 60 s (fake clock) gets 403 with Retry-After: 60.
    /// </summary>
    private FakeResponse? ContentLimitExceeded(string method)
    {
        if (options.ContentRequestsPerMinute is not { } limit || method is not ("POST" or "PATCH" or "PUT" or "DELETE")) return null;
        var now = options.Time.GetUtcNow();
        var recent = state.Requests().Count(r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE" && r.ResponseStatus < 400 && r.At > now - TimeSpan.FromMinutes(1));
        return recent >= limit ? FakeGitHubFaults.SecondaryRateLimit(403, TimeSpan.FromSeconds(60)) : null;
    }

    private FakeResponse Dispatch(HttpRequest request, string body)
    {
        if (state.TakeFailure() is { } injected) return injected(options.Time.GetUtcNow());

        var path = request.Path.Value ?? "/";
        // OAuth pages sit at the web root even on GHES, so this comes before the API prefix check.
        if (_oauth!.Handle(request, path, body) is { } oauth) return oauth;
        var prefix = options.PathPrefix.TrimEnd('/');
        if (prefix.Length > 0)
        {
            // GHES serves the API only under /api/v3; a client that drops the prefix must see a 404.
            if (!path.StartsWith(prefix + "/", StringComparison.Ordinal)) return NotFound();
            path = path[prefix.Length..];
        }
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var method = request.Method;

        if (segments is ["app", "installations", var installation, "access_tokens"])
            return method == "POST" ? CreateInstallationToken(request, installation) : NotFound();

        if (segments is ["app"] && method == "GET") return AuthenticatedApp(request);
        if (segments is ["user"] && method == "GET") return AuthenticatedUser(request);

        if (segments is ["orgs", var org, "teams", var team, "memberships", var member])
            return AuthenticationProblem(request) ?? (method == "GET" ? _access!.TeamMembership(org, team, member) : NotFound());

        // Pagination links use /repositories/{id}/..., exactly like api.github.com.
        string owner, repo;
        string[] rest;
        if (segments is ["repos", var o, var r, ..])
            (owner, repo, rest) = (o, r, segments[3..]);
        else if (segments is ["repositories", var idText, ..] && long.TryParse(idText, CultureInfo.InvariantCulture, out var id)
                 && state.RepositoryById(id) is { } byId)
            (owner, repo, rest) = (byId.Owner, byId.Repo, segments[2..]);
        else
            return NotFound();

        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (credential is null) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Requires authentication"));
        var caller = auth.Identify(credential);
        if (caller == FakeGitHubAuth.Caller.None) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Bad credentials"));
        if (!state.RepositoryExists(owner, repo)) return NotFound();

        return _repos!.Handle(method, owner, repo, rest, request, body, auth.LoginFor(caller));
    }

    /// <summary>Null when the request carries a credential the fake accepts; otherwise GitHub's 401.</summary>
    private FakeResponse? AuthenticationProblem(HttpRequest request)
    {
        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (credential is null) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Requires authentication"));
        return auth.Identify(credential) == FakeGitHubAuth.Caller.None
            ? new FakeResponse(401, FakeGitHubResponses.Error(401, "Bad credentials"))
            : null;
    }

    /// <summary>GET /app with the App's JWT: the App itself (its comments are authored by "{slug}[bot]").</summary>
    private FakeResponse AuthenticatedApp(HttpRequest request)
    {
        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (auth.ValidateAppJwt(credential) is { } problem)
            return new FakeResponse(401, FakeGitHubResponses.Error(401, problem, "/apps/apps#get-the-authenticated-app"));
        return new FakeResponse(200, new JsonObject
        {
            ["id"] = options.AppId ?? 1,
            ["slug"] = options.AppSlug,
            ["name"] = options.AppSlug,
            ["owner"] = UserJson(options.AppSlug),
        });
    }

    /// <summary>GET /user: the token's user; an installation token is no user, so GitHub answers 403 as it does.</summary>
    private FakeResponse AuthenticatedUser(HttpRequest request)
    {
        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (credential is null) return new FakeResponse(401, FakeGitHubResponses.Error(401, "Requires authentication"));
        return auth.Identify(credential) switch
        {
            FakeGitHubAuth.Caller.StaticToken => new FakeResponse(200, UserJson(options.TokenUser)),
            FakeGitHubAuth.Caller.Installation => new FakeResponse(403, FakeGitHubResponses.Error(403, "Resource not accessible by integration", "/users/users#get-the-authenticated-user")),
            _ => new FakeResponse(401, FakeGitHubResponses.Error(401, "Bad credentials")),
        };
    }

    private FakeResponse CreateInstallationToken(HttpRequest request, string installationText)
    {
        if (!long.TryParse(installationText, CultureInfo.InvariantCulture, out var installationId)) return NotFound();
        var credential = FakeGitHubAuth.ExtractCredential(request.Headers.Authorization.ToString());
        if (credential is null)
            return new FakeResponse(401, FakeGitHubResponses.Error(401, "A JSON web token could not be decoded", "/apps/apps#create-an-installation-access-token-for-an-app"));
        if (auth.ValidateAppJwt(credential) is { } problem)
            return new FakeResponse(401, FakeGitHubResponses.Error(401, problem, "/apps/apps#create-an-installation-access-token-for-an-app"));

        var token = "ghs_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        var expiresAt = options.Time.GetUtcNow() + options.InstallationTokenLifetime;
        state.IssueInstallationToken(token, installationId, expiresAt);
        return new FakeResponse(201, FakeGitHubResponses.InstallationToken(token, expiresAt));
    }

    private static FakeResponse NotFound() => new(404, FakeGitHubResponses.Error(404, "Not Found"));

    internal static JsonObject? TryParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
