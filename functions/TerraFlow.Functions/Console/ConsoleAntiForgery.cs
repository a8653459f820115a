using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Console;

/// <summary>
/// Anti-forgery for every state-changing console request: HMAC(console anti-forgery key, session id), sent back as
/// the hidden form field <see cref="FieldName"/> (or the header <see cref="HeaderName"/> for scripted requests). A
/// page of another site cannot know it (it needs the session id inside the HttpOnly cookie and TerraFlow's key); the
/// cookie itself is SameSite=Lax, so a cross-site POST does not even carry it. API tokens are not cookies, so
/// requests authenticated by one need no token.
/// </summary>
public static class ConsoleAntiForgery
{
    public const string FieldName = "terraflow_csrf";
    public const string HeaderName = "X-TerraFlow-CSRF";

    /// <summary>The token for this request's session, or null when it has no browser session.</summary>
    public static string? TokenFor(HttpContext http)
    {
        var sid = http.User.FindFirst(ConsoleSessions.SessionIdClaim)?.Value;
        if (sid is null) return null;
        var keys = http.RequestServices.GetRequiredService<ApprovalSigningKeys>().Current;
        return Base64Url.EncodeToString(Mac(sid, keys.ConsoleAntiForgeryKey));
    }

    /// <summary>The hidden input to put in every console form (HTML, already encoded; empty without a session).</summary>
    public static string HiddenField(HttpContext http) =>
        TokenFor(http) is { } token ? $"<input type=\"hidden\" name=\"{FieldName}\" value=\"{HtmlPage.E(token)}\">" : "";

    /// <summary>Checks the POST's token: null when it passes, else 400 (missing) or 403 (wrong), as JSON under /api and a page elsewhere.</summary>
    public static async Task<IResult?> CheckAsync(HttpContext http, CancellationToken ct)
    {
        var user = ConsoleClaims.FromPrincipal(http.User);
        if (user is null) return ConsoleResponses.NotSignedIn(http);
        if (user.TokenScope is not null && http.User.FindFirst(ConsoleSessions.SessionIdClaim) is null) return null;
        var sid = http.User.FindFirst(ConsoleSessions.SessionIdClaim)?.Value;

        string? submitted = http.Request.Headers[HeaderName] is { Count: 1 } h ? h[0] : null;
        if (submitted is null && http.Request.HasFormContentType)
        {
            try
            {
                var form = await http.Request.ReadFormAsync(ct);
                submitted = form[FieldName] is { Count: 1 } f ? f[0] : null;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return Refuse(http, StatusCodes.Status400BadRequest, "The request was not a readable form.");
            }
        }
        if (string.IsNullOrEmpty(submitted))
            return Refuse(http, StatusCodes.Status400BadRequest, "The form carried no anti-forgery token. Nothing was changed.");
        var keys = (await http.RequestServices.GetRequiredService<ApprovalSigningKeys>().GetAsync(ct)).ConsoleAntiForgeryKey;
        if (sid is null || submitted.Length > 128 || !Base64Url.IsValid(submitted) ||
            !CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(submitted), Mac(sid, keys)))
            return Refuse(http, StatusCodes.Status403Forbidden, "The form's anti-forgery token does not belong to your session, so it did not come from TerraFlow's page. Nothing was changed.");
        return null;
    }

    /// <summary>Adds the check to a POST endpoint (or a group of them).</summary>
    public static TBuilder RequireConsoleAntiForgery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) => await CheckAsync(context.HttpContext, context.HttpContext.RequestAborted) ?? await next(context));
        return builder;
    }

    private static IResult Refuse(HttpContext http, int status, string message) => ConsoleResponses.IsApi(http.Request)
        ? Results.Json(new { error = message }, statusCode: status)
        : new HtmlPage(status, status == StatusCodes.Status400BadRequest ? "Bad request" : "Refused", $"<p>{HtmlPage.E(message)}</p><p><a href=\"/\">Back to the console</a></p>");

    private static byte[] Mac(string sessionId, ReadOnlySpan<byte> key) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("console-v1\n" + sessionId));
}
