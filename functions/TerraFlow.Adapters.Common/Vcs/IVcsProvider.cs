using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// One configured VCS host: the name runs carry (<see cref="VcsProviderNames"/>) and its client. Registered with
/// <see cref="VcsServiceCollectionExtensions.AddVcsProvider"/>, only when the provider is configured.
/// </summary>
public interface IVcsProvider
{
    string Name { get; }

    IVcsClient Client { get; }
}

/// <summary>A provider entry as a plain value (tests and hand-built registries).</summary>
public sealed record VcsProvider(string Name, IVcsClient Client) : IVcsProvider;
