using TerraFlow.Core.Projects;

namespace TerraFlow.Core.CodeOwners;

/// <summary>
/// Which CODEOWNERS owners speak for each affected project: the owners of the changed files that made it affected.
/// Those are the people an <c>approved</c> requirement naming "code owners" waits for.
/// </summary>
public static class ProjectCodeOwners
{
    /// <summary>
    /// Project name → owners (first-seen order, distinct ignoring case, as host logins are) of the changed files
    /// that affect it: the changed files under the project directory; when there are none (the project is affected
    /// only through a local module it uses) the changed files of those modules; failing that, the changed files its
    /// <c>when_modified</c> patterns match. Every affected project gets an entry, possibly empty.
    /// Returns an empty map when <paramref name="codeOwners"/> is null (the repository has no CODEOWNERS file).
    /// The file's rules are compiled once when it is parsed; here each changed file is matched once per project.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Compute(
        CodeOwnersFile? codeOwners,
        IReadOnlyList<ProjectDefinition> affectedProjects,
        ModuleGraph modules,
        IReadOnlyCollection<string> changedFiles,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(affectedProjects);
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(changedFiles);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (codeOwners is null) return result;

        var changed = changedFiles.Select(NormalizeChanged).ToList();
        foreach (var project in affectedProjects)
            result[project.Name] = Union(codeOwners, FilesThatAffect(project, modules, changed), ct);
        return result;
    }

    private static IEnumerable<string> FilesThatAffect(ProjectDefinition project, ModuleGraph modules, List<string> changed)
    {
        var own = changed.Where(f => RepoPath.IsWithin(f, project.Dir)).ToList();
        if (own.Count > 0) return own;

        var moduleDirs = modules.ModulesUsedBy(project.Dir);
        var inModules = changed.Where(f => moduleDirs.Any(m => RepoPath.IsWithin(f, m))).ToList();
        if (inModules.Count > 0) return inModules;

        // e.g. when_modified: ["../shared/*.tfvars"]; discovery validated the patterns, but stay total here.
        try
        {
            var rules = WhenModifiedRules.For(project);
            return changed.Where(rules.IsMatch).ToList();
        }
        catch (ArgumentException)
        {
            return [];
        }
    }

    private static List<string> Union(CodeOwnersFile codeOwners, IEnumerable<string> files, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var owners = new List<string>();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested(); // a large CODEOWNERS times many files is the costly part of discovery
            foreach (var owner in codeOwners.OwnersOf(file))
            {
                if (seen.Add(owner)) owners.Add(owner);
            }
        }
        return owners;
    }

    private static string NormalizeChanged(string path) =>
        RepoPath.TryNormalize(path.TrimStart('/'), out var normalized, out _) ? normalized : path;
}
