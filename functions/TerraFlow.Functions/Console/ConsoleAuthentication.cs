using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace TerraFlow.Functions.Console;

/// <summary>
/// The console's sign-in check as one call, for hosts without the authorization middleware: the isolated worker's
/// functions call it first (the standalone host runs the same schemes and policies as middleware).
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>
    /// Authenticates the request with the default console scheme (session cookie or API token), sets
    /// <c>HttpContext.User</c> and checks <paramref name="policy"/> (a <see cref="ConsolePolicies"/> name). Null when
    /// allowed; otherwise the answer to send: 401 / sign-in redirect when not signed in, 403 when not allowed.
    /// </summary>
    public static async Task<IResult?> AuthenticateAsync(HttpContext http, string policy)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await http.AuthenticateAsync(ConsoleAuthSchemes.Default);
        if (result.Succeeded) http.User = result.Principal;
        if (ConsoleClaims.FromPrincipal(http.User) is null) return ConsoleResponses.NotSignedIn(http);
        var authorization = await http.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, resource: null, policy);
        return authorization.Succeeded ? null : ConsoleResponses.Forbidden(http);
    }
}
