using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.GitLabOAuth;

public static class GitLabOAuthServiceCollectionExtensions
{
    /// <summary>
    /// GitLab approver sign-in from <c>TerraFlow:GitLab</c> (ApiUrl, ClientId, ClientSecret). Always registered, like
    /// GitHub's: without a client id the approval page of a GitLab run says sign-in is not configured.
    /// </summary>
    public static IServiceCollection AddGitLabSignIn(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("TerraFlow:GitLab").Get<GitLabOAuthOptions>() ?? new GitLabOAuthOptions();
        services.AddSingleton<IOAuthSignIn>(_ => new GitLabOAuthClient(SharedHttp.Value, options));
        return services.AddVcsClients();
    }

    // Sign-ins are rare; one client with recycled connections is plenty and keeps this independent of other adapters.
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    });
}
