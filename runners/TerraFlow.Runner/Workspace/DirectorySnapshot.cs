using TerraFlow.Core.Projects;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// The checkout as Core's project discovery sees it: the tracked files and their text, read through
/// <see cref="CheckoutFiles"/> (inside the checkout only, bounded), so a refused file becomes a configuration error.
/// </summary>
public sealed class DirectorySnapshot(CheckoutFiles files, IReadOnlyList<string> tracked) : IRepositorySnapshot
{
    public IReadOnlyList<string> Files { get; } = tracked;

    public string ReadAllText(string path) => files.ReadText(path, LimitFor(path));

    /// <summary>The repository configuration is small by nature; Terraform files may be generated and larger.</summary>
    private static long LimitFor(string path) =>
        RepositoryConfigFiles.IsConfigFile(path) ? CheckoutLimits.MaxConfigBytes : CheckoutLimits.MaxTerraformFileBytes;
}
