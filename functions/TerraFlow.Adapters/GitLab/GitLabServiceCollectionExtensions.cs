using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TerraFlow.Adapters.GitLab;

public static class GitLabServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>TerraFlow:GitLab</c>. <see cref="GitLabOptions"/> and <see cref="GitLabWebhookVerifier"/> are always
    /// registered (the webhook endpoint answers "not configured" with them); <see cref="GitLabClient"/> only when a
    /// token is configured. The client is registered as itself, not as <c>IVcsClient</c>: the provider registry picks
    /// it for runs whose provider is "gitlab", and GitHub stays the IVcsClient of GitHub runs.
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
        }
        return services;
    }
}
