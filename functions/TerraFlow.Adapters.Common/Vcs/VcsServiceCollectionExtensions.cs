using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

public static class VcsServiceCollectionExtensions
{
    /// <summary>
    /// Makes <paramref name="name"/> (see <see cref="VcsProviderNames"/>) a configured provider whose client
    /// <paramref name="client"/> builds (once, lazily). Call it only when the provider is configured: runs of a
    /// provider without a registration fail visibly instead of being sent to another host.
    /// <code>services.AddVcsProvider(VcsProviderNames.GitLab, sp => sp.GetRequiredService&lt;GitLabClient&gt;());</code>
    /// </summary>
    public static IServiceCollection AddVcsProvider(this IServiceCollection services, string name, Func<IServiceProvider, IVcsClient> client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        services.AddSingleton<IVcsProvider>(sp => new VcsProvider(name, client(sp)));
        return services.AddVcsClients();
    }

    /// <summary>
    /// Registers the <see cref="VcsClients"/> and <see cref="OAuthSignIns"/> registries (idempotent;
    /// <see cref="AddVcsProvider"/> calls it).
    /// </summary>
    public static IServiceCollection AddVcsClients(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new VcsClients(sp.GetServices<IVcsProvider>(), sp as IKeyedServiceProvider));
        services.TryAddSingleton(sp => new OAuthSignIns(sp.GetServices<IOAuthSignIn>()));
        return services;
    }
}
