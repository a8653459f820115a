using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Azure.Entra;

public static class EntraServiceCollectionExtensions
{
    /// <summary>The HTTP client for Entra's endpoints, keyed so no other client's handlers or headers leak into it.</summary>
    public const string HttpClientKey = "terraflow.entra";

    /// <summary>
    /// Entra ID sign-in from <c>TerraFlow:Auth:Entra</c>. Registered whether or not configured
    /// (<see cref="EntraOidcClient.IsConfigured"/> says). A <see cref="EntraAssertionSource"/> registered before this
    /// call replaces the managed identity as the source of client assertions (tests, other workload identities).
    /// </summary>
    public static IServiceCollection AddEntraSignIn(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("TerraFlow:Auth:Entra").Get<EntraOptions>() ?? new EntraOptions();
        services.TryAddSingleton(options);
        services.TryAddKeyedSingleton(HttpClientKey, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        });
        services.TryAddSingleton(sp => new EntraMetadata(sp.GetRequiredKeyedService<HttpClient>(HttpClientKey), sp.GetRequiredService<EntraOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new EntraClientCredential(sp.GetRequiredService<EntraOptions>(), sp.GetService<EntraAssertionSource>()?.Credential));
        services.TryAddSingleton(sp => new EntraOidcClient(sp.GetRequiredKeyedService<HttpClient>(HttpClientKey), sp.GetRequiredService<EntraOptions>(),
            sp.GetRequiredService<EntraMetadata>(), sp.GetRequiredService<EntraClientCredential>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EntraOidcClient>>()));
        return services;
    }
}

/// <summary>Where federated-credential client assertions come from, when not the host's managed identity.</summary>
public sealed record EntraAssertionSource(TokenCredential Credential);
