using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Locks;

/// <summary>
/// The name of a project lock within a repository: dir + workspace. Two projects (even in different configs or under
/// different names) that point at the same dir and workspace share one lock, because they share one state.
/// </summary>
public static class LockKey
{
    public static string For(ProjectDefinition project) => For(project.Dir, project.Workspace);

    public static string For(string dir, string workspace) => $"{dir}::{workspace}";
}
