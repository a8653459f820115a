namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// A run, outbox row, job or request names a provider this TerraFlow has no host (or no client) for, e.g. a GitLab
/// merge request reached a host started without <c>TerraFlow__GitLab__*</c>, or names none at all. Thrown rather than
/// falling back to another host, so the work item fails with this message on record instead of talking to the wrong
/// host.
/// </summary>
public sealed class VcsProviderNotConfiguredException(string provider, IReadOnlyCollection<string> configured)
    : InvalidOperationException((string.IsNullOrWhiteSpace(provider)
            ? "No VCS provider was named, and TerraFlow has no default host"
            : $"VCS provider '{provider}' is not configured on this TerraFlow") +
        $" (configured: {(configured.Count == 0 ? "none" : string.Join(", ", configured))}).")
{
    public string Provider { get; } = provider;
}
