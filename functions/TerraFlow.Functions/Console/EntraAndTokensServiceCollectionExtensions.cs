using Microsoft.AspNetCore.Authentication;
using TerraFlow.Adapters.Azure.Entra;
using TerraFlow.Application.Access.ApiTokens;
using TerraFlow.Functions.Console.ApiTokens;
using TerraFlow.Functions.Console.Entra;

namespace TerraFlow.Functions.Console;

internal static class EntraAndTokensServiceCollectionExtensions
{
    /// <summary>
    /// Entra ID console sign-in (<c>TerraFlow:Auth:Entra</c>, listed on the sign-in page when configured) and API
    /// tokens (the <see cref="ConsoleAuthSchemes.ApiToken"/> scheme). After AddConsoleAuth.
    /// </summary>
    public static IServiceCollection AddEntraSignInAndApiTokens(this IServiceCollection services, IConfiguration config)
    {
        services.AddEntraSignIn(config);
        services.AddSingleton<IConsoleSignInProvider, EntraConsoleSignInProvider>();
        services.AddSingleton<ApiTokenService>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ConsoleAuthSchemes.ApiToken, "TerraFlow API token", null);
        return services;
    }
}
