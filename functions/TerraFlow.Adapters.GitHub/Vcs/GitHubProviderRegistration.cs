using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

public static class GitHubProviderRegistration
{
    /// <summary>
    /// <see cref="GitHubServiceCollectionExtensions.AddGitHub"/> plus the "github" entry of <see cref="VcsClients"/> and
    /// GitHub approver sign-in (harmless while no client id is configured).
    /// GitHub is always registered (as before providers existed): without credentials it still reads public data.
    /// </summary>
    public static IServiceCollection AddGitHubProvider(this IServiceCollection services, GitHubOptions options)
    {
        services.AddGitHub(options);
        services.AddSingleton<IOAuthSignIn>(sp => new GitHubOAuthSignIn(sp.GetRequiredService<GitHub.OAuth.GitHubOAuthClient>()));
        // AddGitHub registers its client as an unkeyed IVcsClient; pick that one by type, whatever else is registered.
        return services.AddVcsProvider(VcsProviderNames.GitHub, sp => sp.GetServices<IVcsClient>().OfType<GitHubClient>().First());
    }
}
