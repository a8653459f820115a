namespace TerraFlow.Core.Projects;

/// <summary>A local module call: Terraform files in <paramref name="CallerDir"/> use the module in <paramref name="ModuleDir"/>.</summary>
/// <param name="CallerDir">Repository-relative directory of the calling files ("." for the root).</param>
/// <param name="ModuleDir">Resolved, normalized directory of the called module.</param>
/// <param name="ModuleName">The block label, <c>module "ModuleName"</c>.</param>
/// <param name="File">The file containing the call.</param>
public sealed record ModuleReference(string CallerDir, string ModuleDir, string ModuleName, string File);

/// <summary>
/// Which directories use which local modules. Built from the Terraform files of one commit; only local sources
/// ("./x", "../x") that stay inside the repository count. Files in hidden directories (including ".terraform/",
/// where `terraform init` keeps copies of modules) are ignored.
/// </summary>
public sealed class ModuleGraph
{
    private readonly Dictionary<string, string[]> _calls;
    private readonly HashSet<string> _calledModules;

    private ModuleGraph(IReadOnlyList<ModuleReference> references)
    {
        References = references;
        _calls = references
            .GroupBy(r => r.CallerDir, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.ModuleDir).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        _calledModules = references.Select(r => r.ModuleDir).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A graph with no module calls.</summary>
    public static ModuleGraph Empty { get; } = new([]);

    /// <summary>Every local module call, in file order.</summary>
    public IReadOnlyList<ModuleReference> References { get; }

    /// <summary>Reads every ".tf" and ".tf.json" file of <paramref name="repo"/> and records its local module calls.</summary>
    public static ModuleGraph Build(IRepositorySnapshot repo)
    {
        var references = new List<ModuleReference>();
        foreach (var file in repo.Files)
        {
            if (!IsTerraformFile(file) || RepoPath.IsInHiddenDirectory(file)) continue;
            var callerDir = RepoPath.DirectoryOf(file);
            foreach (var call in TerraformModuleCalls.FromFile(file, repo.ReadAllText(file)))
            {
                if (!call.IsLocal || !RepoPath.TryCombine(callerDir, call.Source, out var moduleDir)) continue;
                if (moduleDir == callerDir) continue; // "./" would make a directory its own module; ignore the loop
                references.Add(new ModuleReference(callerDir, moduleDir, call.Name, file));
            }
        }
        return new ModuleGraph(references);
    }

    /// <summary>A graph from already-known calls (tests, benchmarks, callers that cache references).</summary>
    public static ModuleGraph FromReferences(IEnumerable<ModuleReference> references) => new(references.ToArray());

    /// <summary>
    /// True for ".tf" and ".tf.json" files, the ones Terraform loads from a module directory, and for OpenTofu's
    /// ".tofu" and ".tofu.json" (OpenTofu loads both kinds; a directory of only ".tofu" files is an OpenTofu project).
    /// </summary>
    public static bool IsTerraformFile(string path) =>
        path.EndsWith(".tf", StringComparison.Ordinal) || path.EndsWith(".tf.json", StringComparison.Ordinal)
        || OpenTofuFiles.IsTofuFile(path);

    /// <summary>Module directories called directly by the files in <paramref name="dir"/>.</summary>
    public IReadOnlyList<string> ModulesCalledBy(string dir) => _calls.TryGetValue(dir, out var modules) ? modules : [];

    /// <summary>True when some other directory calls <paramref name="dir"/> as a local module.</summary>
    public bool IsCalledAsModule(string dir) => _calledModules.Contains(dir);

    /// <summary>
    /// Every module directory <paramref name="dir"/> uses, directly or through other modules, in breadth-first
    /// order. Cycles (which Terraform itself rejects) are tolerated; <paramref name="dir"/> itself is never included.
    /// </summary>
    public IReadOnlyList<string> ModulesUsedBy(string dir)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { dir };
        var order = new List<string>();
        var queue = new Queue<string>();
        queue.Enqueue(dir);
        while (queue.TryDequeue(out var current))
        {
            foreach (var module in ModulesCalledBy(current))
            {
                if (!seen.Add(module)) continue;
                order.Add(module);
                queue.Enqueue(module);
            }
        }
        return order;
    }
}
