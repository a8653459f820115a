using Microsoft.Extensions.DependencyInjection;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Provider name → <see cref="IVcsClient"/>. Everything that talks to a VCS host on behalf of a run asks here with the
/// run's provider, so a GitLab merge request is never answered through the GitHub client (or the other way round).
/// Clients come from <see cref="IVcsProvider"/> registrations, or from keyed <see cref="IVcsClient"/> services whose
/// key is the provider name.
/// </summary>
public sealed class VcsClients
{
    private readonly Dictionary<string, IVcsClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly IKeyedServiceProvider? _keyed;

    public VcsClients(IEnumerable<IVcsProvider> providers, IKeyedServiceProvider? keyed = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var provider in providers)
        {
            // Two registrations under one name would make the choice depend on registration order: refuse it early.
            if (!_clients.TryAdd(provider.Name, provider.Client))
                throw new InvalidOperationException($"VCS provider '{provider.Name}' is registered twice.");
        }
        _keyed = keyed;
    }

    /// <summary>The names with a registered client (keyed services are not listed).</summary>
    public IReadOnlyCollection<string> Configured => _clients.Keys;

    /// <summary>The client for <paramref name="provider"/> (empty or null: the original provider, for old rows).</summary>
    /// <exception cref="VcsProviderNotConfiguredException">No client is configured for that provider.</exception>
    public IVcsClient For(string? provider)
    {
        var name = VcsProviderNames.OrDefault(provider);
        if (_clients.TryGetValue(name, out var client)) return client;
        if (_keyed?.GetKeyedService<IVcsClient>(name) is { } keyed) return keyed;
        throw new VcsProviderNotConfiguredException(name, _clients.Keys.ToList());
    }

    public bool IsConfigured(string? provider)
    {
        var name = VcsProviderNames.OrDefault(provider);
        return _clients.ContainsKey(name) || _keyed?.GetKeyedService<IVcsClient>(name) is not null;
    }
}
