using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Core.Projects;

namespace TerraFlow.Runner;

public static class RepoConfigRegistration
{
    /// <summary>
    /// Binds <c>TerraFlow:RepoConfig</c> (which rule keys a pull request's head may set, per repository glob) and
    /// refuses a bad entry at start. Without it the discover job reads every rule from the base branch.
    /// </summary>
    public static IServiceCollection AddRepoConfigRules(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("TerraFlow:RepoConfig").Get<RepoConfigOptions>() ?? new RepoConfigOptions();
        options.Validate();
        return services.AddSingleton(options);
    }
}
