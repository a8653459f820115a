using System.Text.Json;
using System.Text.Json.Serialization;
using TerraFlow.Application.Access;
using TerraFlow.Application.Access.ApiTokens;

namespace TerraFlow.Functions.Console.ApiTokens;

/// <summary>
/// API tokens for automation, managed by admins at a browser (an API token never counts as an admin):
/// <c>POST /api/tokens</c> (JSON <c>{"name","scope","expiresAt"?}</c> or the same as a form, with the console's
/// anti-forgery token) answers 201 with the token, the only time it is shown; <c>GET /api/tokens</c> lists tokens
/// without them (name, first characters, scope, owner, created / expires / last used / revoked);
/// <c>DELETE /api/tokens/{id}</c> (anti-forgery token in the <c>X-TerraFlow-CSRF</c> header) revokes one at once.
/// </summary>
internal static class ApiTokenEndpoints
{
    public const string Path = "/api/tokens";

    public static IEndpointRouteBuilder MapApiTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, CreateAsync).RequireAuthorization(ConsolePolicies.Admin).RequireConsoleAntiForgery();
        app.MapGet(Path, ListAsync).RequireAuthorization(ConsolePolicies.Admin);
        app.MapDelete(Path + "/{id:long}", RevokeAsync).RequireAuthorization(ConsolePolicies.Admin).RequireConsoleAntiForgery();
        return app;
    }

    internal static async Task<IResult> CreateAsync(HttpContext http, ApiTokenService tokens, TimeProvider time, ILogger<ApiTokenRecord> logger, CancellationToken ct)
    {
        if (ConsoleClaims.FromPrincipal(http.User) is not { TokenScope: null } admin) return ConsoleResponses.Forbidden(http);
        var request = await ReadRequestAsync(http, ct);
        if (request.Error is not null) return Results.Json(new { error = request.Error }, statusCode: StatusCodes.Status400BadRequest);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ApiTokenService.MaxNameLength || name.Any(char.IsControl))
            return BadRequest($"name is required: 1 to {ApiTokenService.MaxNameLength} characters, no control characters.");
        if (ApiTokenScope.Parse(request.Scope) is not { } scope)
            return BadRequest("scope must be \"read\" or \"operate\".");
        DateTimeOffset? expiresAt = null;
        if (!string.IsNullOrWhiteSpace(request.ExpiresAt))
        {
            if (!DateTimeOffset.TryParse(request.ExpiresAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                return BadRequest("expiresAt must be an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z.");
            if (parsed <= time.GetUtcNow()) return BadRequest("expiresAt must be in the future.");
            expiresAt = parsed.ToUniversalTime();
        }

        var (record, secret) = await tokens.CreateAsync(admin, name, scope, expiresAt, ct);
        logger.LogInformation("API token {TokenId} ({Prefix}…, scope {Scope}) created by {Provider} user {Login}", record.Id, record.DisplayPrefix, record.Scope, admin.IdentityProvider, admin.Login);
        NoStore(http);
        return Results.Json(new CreatedToken(record.Id, record.Name, record.Scope, record.DisplayPrefix, record.CreatedAt, record.ExpiresAt, secret),
            statusCode: StatusCodes.Status201Created);
    }

    internal static async Task<IResult> ListAsync(HttpContext http, ApiTokenService tokens, TimeProvider time, CancellationToken ct)
    {
        if (ConsoleClaims.FromPrincipal(http.User) is not { TokenScope: null }) return ConsoleResponses.Forbidden(http);
        var now = time.GetUtcNow();
        var list = await tokens.ListAsync(ct);
        NoStore(http);
        return Results.Json(list.Select(t => new ListedToken(t.Id, t.Name, t.Scope, t.DisplayPrefix,
            new TokenOwner(t.Owner.IdentityProvider, t.Owner.Login, t.Owner.DisplayName), t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.RevokedBy, t.IsActive(now))));
    }

    internal static async Task<IResult> RevokeAsync(long id, HttpContext http, ApiTokenService tokens, ILogger<ApiTokenRecord> logger, CancellationToken ct)
    {
        if (ConsoleClaims.FromPrincipal(http.User) is not { TokenScope: null } admin) return ConsoleResponses.Forbidden(http);
        if (!await tokens.RevokeAsync(id, admin, ct))
            return Results.Json(new { error = "no active API token with this id" }, statusCode: StatusCodes.Status404NotFound);
        logger.LogInformation("API token {TokenId} revoked by {Provider} user {Login}", id, admin.IdentityProvider, admin.Login);
        return Results.NoContent();
    }

    private static async Task<CreateRequest> ReadRequestAsync(HttpContext http, CancellationToken ct)
    {
        try
        {
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(ct);
                return new CreateRequest(form["name"].FirstOrDefault(), form["scope"].FirstOrDefault(), form["expiresAt"].FirstOrDefault(), null);
            }
            if (http.Request.HasJsonContentType())
                return await http.Request.ReadFromJsonAsync<CreateRequest>(ct) ?? new CreateRequest(null, null, null, "The body must be a JSON object.");
            return new CreateRequest(null, null, null, "Send JSON (application/json) or a form.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException or BadHttpRequestException)
        {
            return new CreateRequest(null, null, null, "The body is not valid JSON or form data.");
        }
    }

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status400BadRequest);

    // The token is in a response body once: no proxy or browser cache may keep it.
    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    private sealed record CreateRequest(string? Name, string? Scope, string? ExpiresAt, [property: JsonIgnore] string? Error);

    private sealed record CreatedToken(long Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Token);

    private sealed record TokenOwner(string Provider, string Login, string DisplayName);

    private sealed record ListedToken(long Id, string Name, string Scope, string Prefix, TokenOwner Owner, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
        DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy, bool Active);
}
