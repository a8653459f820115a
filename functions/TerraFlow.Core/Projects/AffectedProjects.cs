namespace TerraFlow.Core.Projects;

/// <summary>Decides which projects a set of changed files affects.</summary>
public static class AffectedProjects
{
    /// <summary>
    /// Projects (in <paramref name="projects"/> order) for which a changed file matches <c>when_modified</c>, or lies in
    /// a local module directory the project uses directly or transitively. Deleted files are passed like any other
    /// changed path. Build <paramref name="modules"/> from the head commit (or <see cref="ModuleGraph.Empty"/>).
    /// For repeated queries over the same projects, create one <see cref="AffectedProjectsIndex"/> and reuse it.
    /// </summary>
    public static IReadOnlyList<ProjectDefinition> Find(
        IReadOnlyList<ProjectDefinition> projects,
        ModuleGraph modules,
        IReadOnlyCollection<string> changedFiles,
        CancellationToken ct = default) =>
        new AffectedProjectsIndex(projects, modules).Find(changedFiles, ct);
}

/// <summary>
/// Precompiled change detection for a fixed project list. Patterns are grouped by their wildcard-free directory and
/// module users by module directory, so each changed file costs one dictionary lookup per ancestor directory
/// instead of a test against every project. Immutable after construction and safe to share between threads.
/// </summary>
public sealed class AffectedProjectsIndex
{
    private readonly IReadOnlyList<ProjectDefinition> _projects;
    private readonly WhenModifiedRules[] _rules;
    private readonly int _globCount;
    private readonly int _moduleCount;

    // Keyed by directory: the patterns rooted there and the projects using it as a module, so one lookup per
    // ancestor directory of a changed file answers both questions.
    private readonly Dictionary<string, DirectoryEntry> _directories = new(StringComparer.Ordinal);

    public AffectedProjectsIndex(IReadOnlyList<ProjectDefinition> projects, ModuleGraph modules)
    {
        _projects = projects;
        _rules = projects.Select(WhenModifiedRules.For).ToArray();

        // One entry per distinct inclusion pattern: 1,000 projects sharing "infra/modules/**" cost one match, not 1,000.
        var globs = new Dictionary<string, (PathGlob Glob, List<int> Projects)>(StringComparer.Ordinal);
        for (var p = 0; p < projects.Count; p++)
        {
            foreach (var glob in _rules[p].Globs.Where(g => !g.Negated))
            {
                if (!globs.TryGetValue(glob.Pattern, out var entry)) globs[glob.Pattern] = entry = (glob, []);
                if (entry.Projects.Count == 0 || entry.Projects[^1] != p) entry.Projects.Add(p);
            }
        }
        var globEntries = globs.Values.Select((g, i) => new GlobEntry(i, g.Glob, g.Projects.ToArray())).ToArray();
        _globCount = globEntries.Length;
        foreach (var group in globEntries.GroupBy(g => g.Glob.LiteralDirectory, StringComparer.Ordinal))
            _directories[group.Key] = new DirectoryEntry { Globs = group.ToArray() };

        var users = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < projects.Count; p++)
        {
            foreach (var module in modules.ModulesUsedBy(projects[p].Dir))
            {
                if (!users.TryGetValue(module, out var list)) users[module] = list = [];
                list.Add(p);
            }
        }
        foreach (var (module, projectIndexes) in users)
        {
            if (module == RepoPath.Root) continue; // a module at the root would contain every file; Terraform forbids the loop anyway
            if (!_directories.TryGetValue(module, out var entry)) _directories[module] = entry = new DirectoryEntry();
            entry.ModuleId = _moduleCount++;
            entry.ModuleUsers = projectIndexes.ToArray();
        }
    }

    /// <param name="ct">Checked per file: discovery is CPU-bound here and must stop when its job is cancelled or times out.</param>
    public IReadOnlyList<ProjectDefinition> Find(IReadOnlyCollection<string> changedFiles, CancellationToken ct = default)
    {
        var run = new Run(this);
        foreach (var file in changedFiles)
        {
            ct.ThrowIfCancellationRequested();
            run.Add(NormalizeChangedPath(file));
            if (run.Remaining == 0) break;
        }

        var affected = new List<ProjectDefinition>();
        for (var p = 0; p < _projects.Count; p++)
        {
            if (run.Affected[p]) affected.Add(_projects[p]);
        }
        return affected;
    }

    // Diffs normally give clean paths already; only pay for normalization when the path looks unusual.
    private static string NormalizeChangedPath(string path) =>
        path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith('/') || path.Contains('\\') || path.Contains("//")
            ? RepoPath.TryNormalize(path.TrimStart('/'), out var normalized, out _) ? normalized : path
            : path;

    /// <summary>The mutable state of one <see cref="Find"/> call.</summary>
    private sealed class Run(AffectedProjectsIndex index)
    {
        private readonly bool[] _globDone = new bool[index._globCount];
        private readonly bool[] _moduleDone = new bool[index._moduleCount];
        private readonly Dictionary<string, DirectoryEntry>.AlternateLookup<ReadOnlySpan<char>> _lookup =
            index._directories.GetAlternateLookup<ReadOnlySpan<char>>();

        public bool[] Affected { get; } = new bool[index._projects.Count];

        public int Remaining { get; private set; } = index._projects.Count;

        public void Add(string file)
        {
            // Visit "" (the root) and every ancestor directory of the file: "a", "a/b", ...
            var end = 0;
            while (true)
            {
                var directory = file.AsSpan(0, end);
                var rest = end == 0 ? file.AsSpan() : file.AsSpan(end + 1);
                if (_lookup.TryGetValue(directory, out var entry))
                {
                    MatchGlobs(entry.Globs, file, rest);
                    if (entry.ModuleUsers.Length > 0 && !_moduleDone[entry.ModuleId])
                    {
                        _moduleDone[entry.ModuleId] = true;
                        foreach (var p in entry.ModuleUsers) Mark(p);
                    }
                }
                if (Remaining == 0) return;

                var next = file.IndexOf('/', end == 0 ? 0 : end + 1);
                if (next < 0) return;
                end = next;
            }
        }

        private void MatchGlobs(GlobEntry[] globs, string file, ReadOnlySpan<char> rest)
        {
            foreach (var entry in globs)
            {
                if (_globDone[entry.Id] || !entry.Glob.MatchesBelowLiteralDirectory(rest)) continue;
                var settled = true;
                foreach (var p in entry.Projects)
                {
                    if (Affected[p]) continue;
                    // A project with '!' exclusions needs its whole ordered list; this pattern alone does not decide.
                    if (!index._rules[p].HasExclusions || index._rules[p].IsMatch(file)) Mark(p);
                    else settled = false;
                }
                _globDone[entry.Id] = settled;
            }
        }

        private void Mark(int project)
        {
            if (Affected[project]) return;
            Affected[project] = true;
            Remaining--;
        }
    }

    private sealed record GlobEntry(int Id, PathGlob Glob, int[] Projects);

    private sealed class DirectoryEntry
    {
        public GlobEntry[] Globs { get; init; } = [];

        public int ModuleId { get; set; }

        /// <summary>Projects that use this directory as a module, directly or transitively; empty when none do.</summary>
        public int[] ModuleUsers { get; set; } = [];
    }
}
