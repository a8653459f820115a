using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.GitLabOAuth;
using TerraFlow.Adapters.Http;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLab;

public static class GitLabServiceCollectionExtensions
{
    /// <summary>GitLab from <c>TerraFlow:GitLab</c> (API, token, webhook secrets, sign-in): the one line each host program needs for GitLab.</summary>
    public static IServiceCollection AddGitLab(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(GitLabOptions.SectionName);
        return services.AddGitLab(section.Get<GitLabOptions>() ?? new GitLabOptions(), section.Get<GitLabOAuthOptions>() ?? new GitLabOAuthOptions());
    }

    /// <summary>
    /// Registers GitLab as a VCS host (<see cref="GitLabHost.Module"/>), always: <see cref="GitLabOptions"/> and
    /// <see cref="GitLabWebhookVerifier"/> (the webhook endpoint answers "not configured" with them) and approver
    /// sign-in (the approval page says which setting is missing). <see cref="GitLabClient"/> only when a token is
    /// configured; runs of GitLab merge requests fail visibly without one.
    /// </summary>
    public static IServiceCollection AddGitLab(this IServiceCollection services, GitLabOptions options, GitLabOAuthOptions? signIn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(new GitLabWebhookVerifier(options));
        // Its own HttpClient (not GitHub's), recycled every few minutes so DNS changes of a self-managed instance are noticed.
        services.AddKeyedSingleton(GitLabHost.Provider, (_, _) => VcsHttpClients.Create());
        services.AddSingleton(sp => new GitLabOAuthClient(Http(sp), signIn ?? new GitLabOAuthOptions { ApiUrl = options.ApiUrl }));
        if (options.ClientConfigured)
            services.AddSingleton(sp => new GitLabClient(Http(sp), options));
        return services.AddVcsHost(GitLabHost.Module);
    }

    private static HttpClient Http(IServiceProvider sp) => sp.GetRequiredKeyedService<HttpClient>(GitLabHost.Provider);
}
