using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>Azure DevOps Repos (dev.azure.com and Azure DevOps Server) as a <see cref="VcsHostModule"/>.</summary>
public static class AzureDevOpsHost
{
    /// <summary>The provider name runs, rows and job specs carry, and the webhook route's segment.</summary>
    public const string Provider = "azuredevops";

    public const string DisplayName = "Azure DevOps";

    /// <summary>Azure DevOps ignores the user name beside a PAT or Entra token; git needs one to send Basic.</summary>
    public const string CloneUser = "terraflow";

    /// <summary>Azure Repos has no CODEOWNERS feature of its own; TerraFlow reads the GitHub-style locations (root, <c>.azuredevops/</c>, <c>docs/</c>).</summary>
    public static readonly IReadOnlyList<string> CodeOwnersLocations = ["CODEOWNERS", ".azuredevops/CODEOWNERS", "docs/CODEOWNERS"];

    /// <summary>
    /// The module over what <see cref="AzureDevOpsServiceCollectionExtensions.AddAzureDevOps(IServiceCollection, AzureDevOpsOptions, Azure.Core.TokenCredential?)"/>
    /// registers: a client when an organization is set (PAT or Entra ID); clone URLs below the organization URL. One set
    /// of webhook credentials serves the organization, so clone URLs need not name the event's project.
    /// </summary>
    public static VcsHostModule Module(IServiceProvider services)
    {
        var options = services.GetRequiredService<AzureDevOpsOptions>();
        return new VcsHostModule(
            Provider,
            DisplayName,
            services.GetService<AzureDevOpsClient>(),
            new AzureDevOpsWebhookSource(services.GetRequiredService<AzureDevOpsWebhookVerifier>()),
            new VcsCloneRules(CloneUser, options.OrganizationConfigured ? options.OrganizationRoot : null, UrlNamesProject: false),
            CodeOwnersLocations,
            services.GetRequiredService<AzureDevOpsSignIn>());
    }
}
