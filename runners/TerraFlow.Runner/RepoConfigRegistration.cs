using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Core.CustomWorkflows;
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
        // Which repositories may run custom workflows and hooks (TerraFlow:Workflows:AllowCustom); none by default.
        var workflows = config.GetSection(CustomWorkflowOptions.Section).Get<CustomWorkflowOptions>() ?? new CustomWorkflowOptions();
        return services.AddSingleton(options).AddSingleton(workflows);
    }
}
