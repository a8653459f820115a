using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TerraFlow.Adapters.Vcs;

// Split from VcsServiceCollectionExtensions (now in TerraFlow.Adapters.Common): the policy reads the GitHub and GitLab
// options, so it lives where both adapters are referenced.
public static class CloneUrlPolicyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="CloneUrlPolicy"/> of <paramref name="configuration"/> (idempotent): webhook intake and
    /// runners refuse clone URLs that are not on the configured VCS hosts.
    /// </summary>
    public static IServiceCollection AddCloneUrlPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(CloneUrlPolicy.FromConfiguration(configuration));
        return services;
    }
}
