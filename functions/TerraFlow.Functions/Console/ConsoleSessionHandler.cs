using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The <see cref="ConsoleAuthSchemes.Session"/> scheme: turns the session cookie into <c>HttpContext.User</c>
/// (<see cref="ConsoleClaims.ToPrincipal"/>). Not signed in: <c>/api/*</c> answers 401 (JSON), a page redirects to
/// the sign-in page with the page as the return path. Signed in without the right: 403 (JSON or a page).
/// </summary>
internal sealed class ConsoleSessionHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var principal = await sessions.AuthenticateAsync(Context, Scheme.Name, Context.RequestAborted);
        return principal is null ? AuthenticateResult.NoResult() : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => ConsoleResponses.NotSignedIn(Context).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => ConsoleResponses.Forbidden(Context).ExecuteAsync(Context);
}

/// <summary>The answers for "sign in first" and "not allowed", as JSON under <c>/api/</c> and as pages elsewhere.</summary>
public static class ConsoleResponses
{
    public const string SignInPath = "/sign-in";

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static IResult NotSignedIn(HttpContext http)
    {
        if (IsApi(http.Request))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"terraflow\"";
            return Results.Json(new { error = "sign in first (console session cookie or API token)" }, statusCode: StatusCodes.Status401Unauthorized);
        }
        return new Approvals.SafeRedirect(SignInPath + "?return=" + Uri.EscapeDataString(ConsoleReturnPath.Of(http.Request)));
    }

    public static IResult Forbidden(HttpContext http) => IsApi(http.Request)
        ? Results.Json(new { error = "you are signed in, but not allowed to do this" }, statusCode: StatusCodes.Status403Forbidden)
        : new Approvals.HtmlPage(StatusCodes.Status403Forbidden, "Not allowed",
            "<p>You are signed in, but your role does not allow this. Ask an administrator of TerraFlow, or the repository's maintainers, for access.</p>" +
            "<p><a href=\"/\">Back to the console</a></p>");
}
