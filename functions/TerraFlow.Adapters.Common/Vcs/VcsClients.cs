using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Provider name → <see cref="IVcsClient"/>. Everything that talks to a VCS host on behalf of a run asks here with the
/// run's provider, so a GitLab merge request is never answered through the GitHub client (or the other way round).
/// Clients come from the registered <see cref="VcsHostModule"/>s (those configured for API calls), from
/// <see cref="IVcsProvider"/> registrations (hand-built registries and tests), or from keyed <see cref="IVcsClient"/>
/// services whose key is the provider name. <see cref="Hosts"/> answers the rest about a host (clone credentials,
/// CODEOWNERS locations).
/// </summary>
public sealed class VcsClients : TerraFlow.Application.Ports.IVcsClients
{
    private readonly Dictionary<string, IVcsClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly IKeyedServiceProvider? _keyed;

    public VcsClients(IEnumerable<IVcsProvider> providers, IKeyedServiceProvider? keyed = null, VcsHosts? hosts = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        Hosts = hosts ?? new VcsHosts([]);
        var fromHosts = Hosts.All.Where(h => h.Client is not null).Select(h => (IVcsProvider)new VcsProvider(h.Provider, h.Client!));
        foreach (var provider in fromHosts.Concat(providers))
        {
            // Two registrations under one name would make the choice depend on registration order: refuse it early.
            if (!_clients.TryAdd(provider.Name, provider.Client))
                throw new InvalidOperationException($"VCS provider '{provider.Name}' is registered twice.");
        }
        _keyed = keyed;
    }

    /// <summary>A registry of the hosts' clients only (tests and hand-built registries).</summary>
    public VcsClients(VcsHosts hosts) : this([], null, hosts)
    {
    }

    /// <summary>The registered hosts (empty in hand-built registries without modules).</summary>
    public VcsHosts Hosts { get; }

    /// <summary>The names with a registered client (keyed services are not listed).</summary>
    public IReadOnlyCollection<string> Configured => _clients.Keys;

    /// <summary>The client for <paramref name="provider"/>.</summary>
    /// <exception cref="VcsProviderNotConfiguredException">No client is configured for that provider, or none was named.</exception>
    public IVcsClient For(string? provider)
    {
        if (string.IsNullOrWhiteSpace(provider)) throw new VcsProviderNotConfiguredException("", _clients.Keys.ToList());
        if (_clients.TryGetValue(provider, out var client)) return client;
        if (_keyed?.GetKeyedService<IVcsClient>(provider) is { } keyed) return keyed;
        throw new VcsProviderNotConfiguredException(provider, _clients.Keys.ToList());
    }

    public bool IsConfigured(string? provider) =>
        !string.IsNullOrWhiteSpace(provider) && (_clients.ContainsKey(provider) || _keyed?.GetKeyedService<IVcsClient>(provider) is not null);
}
