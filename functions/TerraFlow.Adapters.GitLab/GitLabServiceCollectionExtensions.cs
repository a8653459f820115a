using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLab;

public static class GitLabServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>TerraFlow:GitLab</c>. <see cref="GitLabOptions"/> and <see cref="GitLabWebhookVerifier"/> are always
    /// registered (the webhook endpoint answers "not configured" with them); <see cref="GitLabClient"/> only when a
    /// token is configured, as itself and as the VCS provider "gitlab" (see <c>VcsClients</c>), which runs, jobs and
    /// outbox rows of GitLab merge requests resolve.
    /// </summary>
    public static IServiceCollection AddGitLab(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(GitLabOptions.SectionName).Get<GitLabOptions>() ?? new GitLabOptions();
        return services.AddGitLab(options);
    }

    public static IServiceCollection AddGitLab(this IServiceCollection services, GitLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(new GitLabWebhookVerifier(options));
        if (options.ClientConfigured)
        {
            // Its own HttpClient (not the shared registration GitHub uses), recycled every few minutes so DNS changes
            // of a self-managed instance are noticed.
            services.AddSingleton(_ => new GitLabClient(
                new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
                options));
            services.AddVcsProvider(VcsProviderNames.GitLab, sp => sp.GetRequiredService<GitLabClient>());
        }
        return services;
    }
}
