using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Adapters.Http;
using TerraFlow.Adapters.Vcs;

namespace TerraFlow.Adapters.AzureDevOps;

public static class AzureDevOpsServiceCollectionExtensions
{
    /// <summary>Azure DevOps from <c>TerraFlow:AzureDevOps</c>: the one line each host program needs.</summary>
    public static IServiceCollection AddAzureDevOps(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddAzureDevOps(configuration.GetSection(AzureDevOpsOptions.SectionName).Get<AzureDevOpsOptions>() ?? new AzureDevOpsOptions());
    }

    /// <summary>
    /// Registers Azure DevOps as a VCS host, always (so its webhook route and sign-in page can say what is missing);
    /// <see cref="AzureDevOpsClient"/> only when an organization URL is set.
    /// </summary>
    /// <param name="credential">Entra ID credential instead of DefaultAzureCredential (tests).</param>
    public static IServiceCollection AddAzureDevOps(this IServiceCollection services, AzureDevOpsOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OrganizationConfigured && !Uri.TryCreate(options.OrganizationUrl, UriKind.Absolute, out _))
            throw new InvalidOperationException($"TerraFlow__AzureDevOps__OrganizationUrl '{options.OrganizationUrl}' is not an absolute URL.");
        services.AddSingleton(options);
        services.AddSingleton(new AzureDevOpsWebhookVerifier(options));
        services.AddKeyedSingleton(AzureDevOpsHost.Provider, (_, _) => VcsHttpClients.Create());
        services.AddSingleton(sp => new AzureDevOpsSignIn(Http(sp), options));
        if (options.ClientConfigured)
        {
            services.AddSingleton(new AzureDevOpsCredentials(options, credential));
            services.AddSingleton(sp => new AzureDevOpsClient(Http(sp), options, sp.GetRequiredService<AzureDevOpsCredentials>()));
        }
        return services.AddVcsHost(AzureDevOpsHost.Module);
    }

    private static HttpClient Http(IServiceProvider sp) => sp.GetRequiredKeyedService<HttpClient>(AzureDevOpsHost.Provider);
}
