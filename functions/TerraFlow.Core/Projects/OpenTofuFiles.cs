namespace TerraFlow.Core.Projects;

/// <summary>OpenTofu's own source files, and which engine a directory of them needs.</summary>
public static class OpenTofuFiles
{
    /// <summary>True for ".tofu" and ".tofu.json": OpenTofu loads them, Terraform ignores them.</summary>
    public static bool IsTofuFile(string path) =>
        path.EndsWith(".tofu", StringComparison.Ordinal) || path.EndsWith(".tofu.json", StringComparison.Ordinal);

    /// <summary>
    /// Projects that do not name an engine and whose directory holds OpenTofu files but no Terraform ones get
    /// <c>engine: tofu</c>: Terraform would see an empty configuration there and plan nothing. Every other project
    /// keeps what it says (null = the runner's default engine).
    /// </summary>
    public static IReadOnlyList<ProjectDefinition> InferEngines(IReadOnlyList<ProjectDefinition> projects, IReadOnlyList<string> files)
    {
        if (!files.Any(IsTofuFile)) return projects;
        var tofuDirs = new HashSet<string>(StringComparer.Ordinal);
        var terraformDirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (RepoPath.IsInHiddenDirectory(file)) continue;
            if (IsTofuFile(file)) tofuDirs.Add(RepoPath.DirectoryOf(file));
            else if (ModuleGraph.IsTerraformFile(file)) terraformDirs.Add(RepoPath.DirectoryOf(file));
        }
        return projects
            .Select(p => p.Engine is null && tofuDirs.Contains(p.Dir) && !terraformDirs.Contains(p.Dir)
                ? p with { Engine = ProjectEngines.Tofu }
                : p)
            .ToList();
    }
}
