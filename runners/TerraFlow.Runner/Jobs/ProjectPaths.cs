using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

internal static class ProjectPaths
{
    /// <summary>The project directory inside the checkout; a config that points outside it is refused.</summary>
    public static string Resolve(string root, string dir)
    {
        var full = Path.GetFullPath(Path.Combine(root, dir));
        var rootFull = Path.GetFullPath(root);
        if (full != rootFull && !full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new WorkspaceException($"Project directory '{dir}' is outside the repository.");
        return full;
    }
}
