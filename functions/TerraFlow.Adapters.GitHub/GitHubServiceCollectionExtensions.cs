using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GitHub client as a singleton over one long-lived HttpClient. Connections are recycled every few
    /// minutes so DNS changes (GHES failover) are noticed; the token provider is a singleton so its cache is shared.
    /// </summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, GitHubOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<GitHubWebhookVerifier>();
        services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        });
        services.AddSingleton(sp => new GitHubAppTokenProvider(sp.GetRequiredService<HttpClient>(), options, sp.GetService<TimeProvider>()));
        services.AddSingleton<IVcsClient>(sp => new GitHubClient(sp.GetRequiredService<HttpClient>(), options, sp.GetRequiredService<GitHubAppTokenProvider>()));
        // Approver sign-in (GitHub App user authorization); harmless when no client id is configured.
        services.AddSingleton(sp => new OAuth.GitHubOAuthClient(sp.GetRequiredService<HttpClient>(), options));
        return services;
    }
}
