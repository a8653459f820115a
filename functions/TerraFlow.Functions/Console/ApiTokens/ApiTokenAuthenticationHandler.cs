using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TerraFlow.Application.Access.ApiTokens;

namespace TerraFlow.Functions.Console.ApiTokens;

/// <summary>
/// The <see cref="ConsoleAuthSchemes.ApiToken"/> scheme (the default console scheme forwards <c>Authorization:
/// Bearer …</c> here): a live token becomes the principal of the admin who created it, with the token's scope
/// (<see cref="TerraFlow.Application.Access.ConsoleUser.TokenScope"/>), so a <c>read</c> token never passes
/// <see cref="ConsolePolicies.Operate"/> and no token passes <see cref="ConsolePolicies.Admin"/>. An unknown, revoked
/// or expired token is a 401 with <c>error="invalid_token"</c>. The token is never logged.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Refusal = "The API token is unknown, revoked or expired.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var presented = value["Bearer ".Length..].Trim();
        var user = ApiTokenService.LooksLikeToken(presented) ? await tokens.AuthenticateAsync(presented, Context.RequestAborted) : null;
        if (user is null)
        {
            Context.Items[typeof(ApiTokenAuthenticationHandler)] = Refusal;
            return AuthenticateResult.Fail(Refusal);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ConsoleClaims.ToPrincipal(user, Scheme.Name), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[typeof(ApiTokenAuthenticationHandler)] is not string refusal) return ConsoleResponses.NotSignedIn(Context).ExecuteAsync(Context);
        Response.Headers.WWWAuthenticate = "Bearer realm=\"terraflow\", error=\"invalid_token\"";
        return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => ConsoleResponses.Forbidden(Context).ExecuteAsync(Context);
}
