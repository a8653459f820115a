using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TerraFlow.Testing.FakeGitLab;

internal sealed record FakeGitLabResponse(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null, string? Text = null);

/// <summary>
/// Routes /api/v4 requests to the endpoints TerraFlow uses, with GitLab's status codes, error bodies
/// (<c>{"message":"404 Not found"}</c>), PRIVATE-TOKEN auth and offset pagination headers.
/// </summary>
internal sealed class FakeGitLabRouter(FakeGitLabOptions options, FakeGitLabState state)
{
    public const string ApiPrefix = "/api/v4";
    private FakeGitLabResponses? _responses;
    private FakeGitLabMergeRequestEndpoints? _mergeRequests;
    private readonly FakeGitLabOAuthEndpoints _oauth = new(options);

    /// <summary>The projects' issues (set by <see cref="Bind"/>).</summary>
    public FakeGitLabIssues? Issues { get; private set; }

    public void Bind(FakeGitLabResponses responses)
    {
        _responses = responses;
        _mergeRequests = new FakeGitLabMergeRequestEndpoints(options, state, responses);
        Issues = new FakeGitLabIssues(options, responses);
    }

    public async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
            body = await reader.ReadToEndAsync(context.RequestAborted);

        // The raw target keeps "%2F" inside a project id ("group%2Finfra") that the decoded path would blur.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var rawPath = raw.Split('?')[0];
        var token = Token(context.Request);
        var response = Dispatch(context.Request, rawPath, token, body);
        state.Log(new FakeGitLabRequest(context.Request.Method, rawPath, context.Request.QueryString.Value ?? "", token, body, response.Status) { At = options.Time.GetUtcNow() });

        context.Response.StatusCode = response.Status;
        context.Response.Headers["X-Request-Id"] = Guid.NewGuid().ToString("N")[..26].ToUpperInvariant();
        context.Response.Headers["X-Gitlab-Meta"] = "{\"correlation_id\":\"fake\",\"version\":\"1\"}";
        context.Response.Headers["RateLimit-Limit"] = "2000";
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Body.ToJsonString(), context.RequestAborted);
        }
        else if (response.Text is not null)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(response.Text, context.RequestAborted);
        }
    }

    private static string? Token(HttpRequest request)
    {
        var privateToken = request.Headers["PRIVATE-TOKEN"].ToString();
        if (privateToken.Length > 0) return privateToken;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    private FakeGitLabResponse Dispatch(HttpRequest request, string rawPath, string? token, string body)
    {
        if (state.TakeFailure() is { } injected) return Fault(injected);
        // OAuth pages sit at the web root, beside the API.
        if (_oauth.Handle(request, rawPath, body) is { } oauth) return oauth;
        if (!rawPath.StartsWith(ApiPrefix + "/", StringComparison.Ordinal)) return NotFound("404 Not Found");
        // GET /user answers for whoever the token belongs to: the API token's user or a signed-in OAuth user.
        if (rawPath == ApiPrefix + "/user" && request.Method == "GET")
        {
            var who = token == options.Token ? options.TokenUser : _oauth.UserFor(token);
            return who is null ? new FakeGitLabResponse(401, FakeGitLabResponses.Message("401 Unauthorized")) : Ok(_responses!.User(who));
        }
        if (token != options.Token) return new FakeGitLabResponse(401, FakeGitLabResponses.Message("401 Unauthorized"));

        var segments = rawPath[ApiPrefix.Length..].Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var method = request.Method;
        switch (segments)
        {
            case ["users"] when method == "GET":
                return Users(request);
            case ["groups", var group, "members", "all", var userId] when method == "GET":
                return GroupMember(group, userId);
            case ["projects", var id, ..]:
                var project = state.FindProject(id);
                if (project is null) return NotFound("404 Project Not Found");
                return ProjectRoute(method, project, segments[2..], request, body);
            default:
                return NotFound("404 Not Found");
        }
    }

    private FakeGitLabResponse ProjectRoute(string method, FakeGitLabProject project, string[] rest, HttpRequest request, string body)
    {
        switch (rest)
        {
            case [] when method == "GET":
                return Ok(_responses!.Project(project));
            case ["statuses", var sha] when method == "POST":
                return PostStatus(project, sha, request, body);
            case ["members", "all", var userId] when method == "GET":
                if (!long.TryParse(userId, CultureInfo.InvariantCulture, out var uid) || state.UsernameOf(uid) is not { } name) return NotFound("404 Not found");
                return state.ProjectAccess(project, uid) is { } level ? Ok(_responses!.Member(name, level)) : NotFound("404 Not found");
            case ["issues", .. var issueRest]:
                return Issues!.Handle(method, project, issueRest, request, body);
            case ["merge_requests", var iidText, .. var mrRest] when int.TryParse(iidText, CultureInfo.InvariantCulture, out var iid):
                return _mergeRequests!.Handle(method, project, iid, mrRest, request, body);
            default:
                return NotFound("404 Not Found");
        }
    }

    private FakeGitLabResponse Users(HttpRequest request)
    {
        var username = request.Query["username"].ToString();
        var found = username.Length > 0 ? state.FindUser(username) : null;
        var list = new JsonArray();
        if (found is { } user) list.Add(_responses!.User(user.Username));
        return Ok(list, Pagination.Headers(request, 1, 20, list.Count));
    }

    private FakeGitLabResponse GroupMember(string group, string userId)
    {
        if (!state.GroupExists(group)) return NotFound("404 Group Not Found");
        if (!long.TryParse(userId, CultureInfo.InvariantCulture, out var uid) || state.UsernameOf(uid) is not { } name) return NotFound("404 Not found");
        return state.GroupAccess(group, uid) is { } level ? Ok(_responses!.Member(name, level)) : NotFound("404 Not found");
    }

    private FakeGitLabResponse PostStatus(FakeGitLabProject project, string sha, HttpRequest request, string body)
    {
        var fields = FakeGitLabForm.Read(request, body);
        if (!fields.TryGetValue("state", out var st) || st.Length == 0) return new FakeGitLabResponse(400, FakeGitLabResponses.Error("state is missing"));
        if (st is not ("pending" or "running" or "success" or "failed" or "canceled" or "skipped"))
            return new FakeGitLabResponse(400, FakeGitLabResponses.Error("state does not have a valid value"));
        if (sha.Length < 7 || !sha.All(char.IsAsciiHexDigit)) return NotFound("404 Commit Not Found");
        var name = fields.GetValueOrDefault("name") ?? fields.GetValueOrDefault("context") ?? "default";
        var (status, error) = state.AddStatus(project.Path, sha, name, st, fields.GetValueOrDefault("description"), fields.GetValueOrDefault("target_url"));
        if (error is not null) return new FakeGitLabResponse(400, FakeGitLabResponses.Message(error));
        return new FakeGitLabResponse(201, _responses!.Status(status!, options.TokenUser, options.Time.GetUtcNow()));
    }

    internal static FakeGitLabResponse Ok(JsonNode body, IReadOnlyDictionary<string, string>? headers = null) => new(200, body, headers);

    internal static FakeGitLabResponse NotFound(string message) => new(404, FakeGitLabResponses.Message(message));

    private static FakeGitLabResponse Fault(int status) => status switch
    {
        // gitlab.com's rate limiter (Rack::Attack) answers in plain text with Retry-After.
        429 => new FakeGitLabResponse(429, null, new Dictionary<string, string> { ["Retry-After"] = "1", ["RateLimit-Remaining"] = "0" }, "Retry later\n"),
        401 => new FakeGitLabResponse(401, FakeGitLabResponses.Message("401 Unauthorized")),
        403 => new FakeGitLabResponse(403, FakeGitLabResponses.Message("403 Forbidden")),
        404 => NotFound("404 Not found"),
        >= 500 => new FakeGitLabResponse(status, FakeGitLabResponses.Message($"{status} Internal Server Error")),
        _ => new FakeGitLabResponse(status, FakeGitLabResponses.Message($"{status} Error")),
    };
}

/// <summary>GitLab takes parameters as JSON, form or query string alike.</summary>
internal static class FakeGitLabForm
{
    public static Dictionary<string, string> Read(HttpRequest request, string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Query) fields[k] = v.ToString();
        if (body.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                foreach (var p in doc.RootElement.EnumerateObject())
                    if (p.Value.ValueKind != JsonValueKind.Null)
                        fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
            catch (JsonException)
            {
                // GitLab answers malformed JSON bodies as if the parameters were missing.
            }
        }
        else if (body.Length > 0)
        {
            foreach (var (k, v) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body)) fields[k] = v.ToString();
        }
        return fields;
    }
}
