namespace TerraFlow.Core.Projects;

/// <summary>
/// A project's compiled <c>when_modified</c> list. Like Atlantis (Docker's pattern matcher), patterns are applied
/// in order and the last one that matches decides: a plain pattern includes the file, a "!" pattern excludes it.
/// </summary>
public sealed class WhenModifiedRules
{
    private WhenModifiedRules(IReadOnlyList<PathGlob> globs)
    {
        Globs = globs;
        HasExclusions = globs.Any(g => g.Negated);
    }

    public IReadOnlyList<PathGlob> Globs { get; }

    /// <summary>True when at least one pattern starts with '!', so a single matching pattern is not enough to decide.</summary>
    public bool HasExclusions { get; }

    /// <summary>Compiles every pattern of <paramref name="project"/>; throws <see cref="ArgumentException"/> for an invalid one.</summary>
    public static WhenModifiedRules For(ProjectDefinition project) =>
        new(project.WhenModified.Select(p => PathGlob.Compile(project.Dir, p)).ToArray());

    /// <summary>True when the repository-relative <paramref name="path"/> triggers the project.</summary>
    public bool IsMatch(string path)
    {
        var included = false;
        foreach (var glob in Globs)
        {
            if (glob.Negated == included && glob.IsMatch(path)) included = !glob.Negated;
        }
        return included;
    }
}
