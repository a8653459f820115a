using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

public static class VcsServiceCollectionExtensions
{
    /// <summary>
    /// Registers one VCS host (what <c>AddGitHub</c>/<c>AddGitLab</c> call): its <see cref="VcsHostModule"/>, built once
    /// and lazily, plus the registries that find it by name (<see cref="VcsHosts"/>, <see cref="VcsClients"/>,
    /// <see cref="OAuthSignIns"/>). Registering one name twice fails when the registries are built.
    /// </summary>
    public static IServiceCollection AddVcsHost(this IServiceCollection services, Func<IServiceProvider, VcsHostModule> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        services.AddSingleton(module);
        return services.AddVcsClients();
    }

    /// <summary>
    /// Puts <paramref name="client"/> under <paramref name="name"/> in <see cref="VcsClients"/> without a whole host
    /// module: for tests that replace a host's client with a stand-in (the host's own module must then have no client).
    /// <code>services.AddVcsProvider("gitlab", sp => new StandInClient());</code>
    /// </summary>
    public static IServiceCollection AddVcsProvider(this IServiceCollection services, string name, Func<IServiceProvider, IVcsClient> client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        services.AddSingleton<IVcsProvider>(sp => new VcsProvider(name, client(sp)));
        return services.AddVcsClients();
    }

    /// <summary>
    /// Registers the <see cref="VcsHosts"/>, <see cref="VcsClients"/> and <see cref="OAuthSignIns"/> registries
    /// (idempotent; <see cref="AddVcsHost"/> calls it).
    /// </summary>
    public static IServiceCollection AddVcsClients(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new VcsHosts(sp.GetServices<VcsHostModule>()));
        services.TryAddSingleton(sp => new VcsClients(sp.GetServices<IVcsProvider>(), sp as IKeyedServiceProvider, sp.GetRequiredService<VcsHosts>()));
        services.TryAddSingleton(sp => new OAuthSignIns(sp.GetRequiredService<VcsHosts>().All.Select(h => h.SignIn).Concat(sp.GetServices<IOAuthSignIn>())));
        return services;
    }

    /// <summary>
    /// Registers the <see cref="CloneUrlPolicy"/> over the registered hosts and <c>TerraFlow:CloneUrls</c> (idempotent):
    /// webhook intake and runners refuse clone URLs that are not on the configured VCS hosts.
    /// </summary>
    public static IServiceCollection AddCloneUrlPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(CloneUrlOptions.SectionName).Get<CloneUrlOptions>() ?? new CloneUrlOptions();
        services.AddVcsClients();
        services.TryAddSingleton(sp => CloneUrlPolicy.ForHosts(sp.GetRequiredService<VcsHosts>(), options.AllowLocalPaths));
        return services;
    }
}
