using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// A provider name and a client, without the rest of a <see cref="VcsHostModule"/>: for registries built by hand and
/// for tests that put a stand-in client under a host's name (<see cref="VcsServiceCollectionExtensions.AddVcsProvider"/>).
/// </summary>
public interface IVcsProvider
{
    string Name { get; }

    IVcsClient Client { get; }
}

/// <summary>A provider entry as a plain value (tests and hand-built registries).</summary>
public sealed record VcsProvider(string Name, IVcsClient Client) : IVcsProvider;
