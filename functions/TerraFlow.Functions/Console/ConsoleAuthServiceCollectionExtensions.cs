using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using TerraFlow.Application.Access;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Console;

internal static class ConsoleAuthServiceCollectionExtensions
{
    /// <summary>
    /// Console sign-in, sessions and authorization (<c>TerraFlow:Auth</c>): the session scheme, the default scheme that
    /// sends bearer tokens to <see cref="ConsoleAuthSchemes.ApiToken"/>, the <see cref="ConsolePolicies"/> policies
    /// (and <see cref="ConsolePolicies.SignedIn"/> as the fallback for any endpoint that names none), and
    /// <see cref="IRepositoryAccess"/>. Needs AddApprovalLinks (signing keys, OAuth sign-ins) and the PostgreSQL stores.
    /// </summary>
    public static IServiceCollection AddConsoleAuth(this IServiceCollection services, IConfiguration config)
    {
        var auth = config.GetSection("TerraFlow:Auth").Get<ConsoleAuthOptions>() ?? new ConsoleAuthOptions();
        _ = auth.SessionLifetime; // a bad value stops the host at start, not at the first sign-in
        services.AddSingleton(auth);
        services.AddSingleton(auth.ToSettings());
        services.AddSingleton<IRepositoryAccess, VcsRepositoryAccess>();
        services.AddSingleton<ConsoleGroupResolver>();
        services.AddSingleton(sp => new ConsoleSessions(sp.GetRequiredService<ApprovalSigningKeys>(), sp.GetRequiredService<IConsoleSessionStore>(),
            sp.GetRequiredService<ConsoleAccessSettings>(), auth, sp.GetRequiredService<TerraFlowOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConsoleSessions>>()));

        services.AddAuthentication(ConsoleAuthSchemes.Default)
            .AddPolicyScheme(ConsoleAuthSchemes.Default, "TerraFlow", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ConsoleSessionHandler>(ConsoleAuthSchemes.Session, "TerraFlow console session", null);

        services.AddAuthorizationBuilder()
            .AddPolicy(ConsolePolicies.SignedIn, p => p.RequireAuthenticatedUser().RequireAssertion(c => ConsoleClaims.FromPrincipal(c.User) is not null))
            .AddPolicy(ConsolePolicies.Operate, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                ConsoleClaims.FromPrincipal(c.User) is { } u && (u.TokenScope is null || u.TokenScope == "operate")))
            // Admin work (API tokens, settings) needs a person at a browser: an API token never counts as an admin here.
            .AddPolicy(ConsolePolicies.Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                ConsoleClaims.FromPrincipal(c.User) is { Role: ConsoleRole.Admin, TokenScope: null }))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(c => ConsoleClaims.FromPrincipal(c.User) is not null).Build());
        return services;
    }

    /// <summary>Bearer requests go to the API-token scheme when one is registered; everything else to the session cookie.</summary>
    private static string SelectScheme(HttpContext http)
    {
        var header = http.Request.Headers.Authorization;
        if (header.Count == 1 && header[0]!.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // The default provider answers from a dictionary: the task is complete.
            var token = http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(ConsoleAuthSchemes.ApiToken).GetAwaiter().GetResult();
            if (token is not null) return ConsoleAuthSchemes.ApiToken;
        }
        return ConsoleAuthSchemes.Session;
    }
}
