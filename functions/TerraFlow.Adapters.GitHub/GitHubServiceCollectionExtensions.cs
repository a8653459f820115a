using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Http;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>GitHub from <c>TerraFlow:GitHub</c>: the one line each host program needs for GitHub.</summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddGitHub(configuration.GetSection(GitHubOptions.SectionName).Get<GitHubOptions>() ?? new GitHubOptions());
    }

    /// <summary>
    /// Registers GitHub as a VCS host (<see cref="GitHubHost.Module"/>): the REST client as a singleton over one Octokit
    /// pipeline (<see cref="Api.GitHubApi"/>), the App token provider (a singleton, so its cache is shared), the webhook
    /// verifier and approver sign-in over its own HttpClient (harmless while no client id is configured).
    /// </summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<GitHubWebhookVerifier>();
        services.AddKeyedSingleton(GitHubHost.Provider, (_, _) => VcsHttpClients.Create());
        services.AddSingleton(sp => new Api.GitHubApi(options, sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new GitHubAppTokenProvider(sp.GetRequiredService<Api.GitHubApi>(), options, sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new GitHubClient(sp.GetRequiredService<Api.GitHubApi>(), sp.GetRequiredService<GitHubAppTokenProvider>()));
        services.AddSingleton(sp => new OAuth.GitHubOAuthClient(Http(sp), options));
        return services.AddVcsHost(GitHubHost.Module);
    }

    private static HttpClient Http(IServiceProvider sp) => sp.GetRequiredKeyedService<HttpClient>(GitHubHost.Provider);
}
