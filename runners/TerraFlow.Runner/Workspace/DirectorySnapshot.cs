using TerraFlow.Core.Projects;

namespace TerraFlow.Runner.Workspace;

/// <summary>The checkout as Core's project discovery sees it: the tracked files and their text.</summary>
public sealed class DirectorySnapshot(string root, IReadOnlyList<string> files) : IRepositorySnapshot
{
    public IReadOnlyList<string> Files { get; } = files;

    public string ReadAllText(string path) => File.ReadAllText(Path.Combine(root, path));
}
