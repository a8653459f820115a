using System.Security.Claims;
using TerraFlow.Application.Access;

namespace TerraFlow.Functions.Console;

/// <summary>
/// How a <see cref="ConsoleUser"/> travels on <c>HttpContext.User</c>: every authentication scheme (session cookie,
/// API token) builds its principal with <see cref="ToPrincipal"/>, every page and endpoint reads it back with
/// <see cref="FromPrincipal"/>. Null means not signed in.
/// </summary>
public static class ConsoleClaims
{
    public const string IdentityProvider = "terraflow:idp";
    public const string Login = "terraflow:login";
    public const string Role = "terraflow:role";
    public const string Group = "terraflow:group";
    public const string TokenScope = "terraflow:token_scope";

    public static ClaimsPrincipal ToPrincipal(ConsoleUser user, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(IdentityProvider, user.IdentityProvider),
            new(Login, user.Login),
            new(ClaimTypes.Name, user.DisplayName),
            new(Role, user.Role.ToString()),
        };
        claims.AddRange(user.Groups.Select(g => new Claim(Group, g)));
        if (user.TokenScope is not null) claims.Add(new Claim(TokenScope, user.TokenScope));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, Role));
    }

    public static ConsoleUser? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true) return null;
        var idp = principal.FindFirstValue(IdentityProvider);
        var login = principal.FindFirstValue(Login);
        if (string.IsNullOrEmpty(idp) || string.IsNullOrEmpty(login)) return null;
        var role = Enum.TryParse<ConsoleRole>(principal.FindFirstValue(Role), out var r) ? r : ConsoleRole.Viewer;
        return new ConsoleUser(
            idp,
            login,
            principal.FindFirstValue(ClaimTypes.Name) ?? login,
            role,
            principal.FindAll(Group).Select(c => c.Value).ToList(),
            principal.FindFirstValue(TokenScope));
    }
}
