namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// A run, outbox row or job names a provider this TerraFlow has no client for (e.g. a GitLab merge request reached a
/// host started without <c>TerraFlow__GitLab__*</c>). Thrown rather than falling back to another host, so the work
/// item fails with this message on record instead of talking to the wrong host.
/// </summary>
public sealed class VcsProviderNotConfiguredException(string provider, IReadOnlyCollection<string> configured)
    : InvalidOperationException($"VCS provider '{provider}' is not configured on this TerraFlow " +
        $"(configured: {(configured.Count == 0 ? "none" : string.Join(", ", configured))}).")
{
    public string Provider { get; } = provider;
}
