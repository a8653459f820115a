using TerraFlow.Core.Projects;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

internal static class ProjectPaths
{
    /// <summary>
    /// The real path of the project directory inside the checkout. A dir that climbs out ("..", absolute) or is (or
    /// passes through) a symlink leaving the checkout is refused; a missing one is returned as is (the caller says
    /// "does not exist at this commit").
    /// </summary>
    public static string Resolve(string root, string dir)
    {
        try
        {
            return new CheckoutFiles(root).Resolve(dir);
        }
        catch (RepositoryFileRefusedException ex)
        {
            throw new WorkspaceException($"Refused: project directory '{dir}': {ex.Reason}");
        }
    }
}
