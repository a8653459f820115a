namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Provider name → <see cref="VcsHostModule"/>, from every registered host (<c>AddGitHub</c>, <c>AddGitLab</c>, …).
/// Names compare case-insensitively. There is no default host: a missing or unknown name is an error that names the
/// registered hosts, so work of one host is never handed to another.
/// </summary>
public sealed class VcsHosts
{
    private readonly Dictionary<string, VcsHostModule> _byName = new(StringComparer.OrdinalIgnoreCase);

    public VcsHosts(IEnumerable<VcsHostModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(module.Provider);
            // Two registrations under one name would make the choice depend on registration order: refuse it early.
            if (!_byName.TryAdd(module.Provider, module))
                throw new InvalidOperationException($"VCS host '{module.Provider}' is registered twice.");
        }
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IEnumerable<VcsHostModule> All => _byName.Values;

    /// <summary>The host named <paramref name="provider"/>, or null (missing or unknown name).</summary>
    public VcsHostModule? Find(string? provider) =>
        string.IsNullOrWhiteSpace(provider) ? null : _byName.GetValueOrDefault(provider.Trim());

    /// <exception cref="VcsProviderNotConfiguredException">No host of that name is registered, or no name was given.</exception>
    public VcsHostModule Get(string? provider) => Find(provider) ?? throw new VcsProviderNotConfiguredException(provider ?? "", Names);

    /// <summary>The clone credential git sends to <paramref name="provider"/>'s host for <paramref name="token"/>.</summary>
    public CloneCredential CloneCredential(string? provider, string token) => CloneCredentials.Basic(Get(provider).Cloning.BasicUser, token);

    /// <summary>Where <paramref name="provider"/>'s host reads CODEOWNERS, in its order.</summary>
    public IReadOnlyList<string> CodeOwnersLocations(string? provider) => Get(provider).CodeOwnersLocations;
}
