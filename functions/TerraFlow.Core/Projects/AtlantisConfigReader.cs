using TerraFlow.Core.Comments;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// Reads an Atlantis repository configuration (<c>atlantis.yaml</c> / <c>atlantis.yml</c>, versions 2 and 3) so a team
/// can switch without rewriting it. The project shape maps onto <c>.terraflow.yml</c>: <c>name</c>, <c>dir</c>,
/// <c>workspace</c>, <c>autoplan.enabled</c>, <c>autoplan.when_modified</c>, <c>depends_on</c>,
/// <c>terraform_version</c> and <c>terraform_distribution</c>. Keys Atlantis knows that TerraFlow does not do
/// (<c>workflows</c>, <c>apply_requirements</c>, <c>automerge</c>, ...) are ignored and become a notice in the
/// comment; keys Atlantis itself would reject are errors, as in <c>.terraflow.yml</c>. Each project is translated
/// into a <c>.terraflow.yml</c> project and read by <see cref="ProjectEntry"/>, so both files get the same checks.
/// </summary>
public static class AtlantisConfigReader
{
    public static IReadOnlyList<string> FileNames { get; } = ["atlantis.yaml", "atlantis.yml"];

    private static readonly int[] Versions = [2, 3];

    private static readonly string[] SupportedTopLevel = ["version", "projects"];

    private static readonly string[] IgnoredTopLevel =
    [
        "automerge", "autodiscover", "delete_source_branch_on_merge", "parallel_plan", "parallel_apply",
        "parallel_policy_check", "abort_on_execution_order_fail", "workflows", "allowed_regexp_prefixes",
        "policies", "repo_locks", "repo_locking", "silence_pr_comments",
    ];

    private static readonly string[] SupportedProjectKeys =
        ["name", "dir", "workspace", "autoplan", "depends_on", "terraform_version", "terraform_distribution"];

    private static readonly string[] IgnoredProjectKeys =
    [
        "branch", "execution_order_group", "delete_source_branch_on_merge", "repo_locking", "repo_locks",
        "custom_policy_check", "plan_requirements", "apply_requirements", "import_requirements", "workflow",
        "silence_pr_comments", "policy_check",
    ];

    private static readonly string[] AutoplanKeys = ["enabled", "when_modified"];

    /// <summary>A <see cref="RepoConfig"/> (with <see cref="RepoConfig.Notices"/>) or the first problem, like <see cref="RepoConfigParser.Parse"/>.</summary>
    public static RepoConfigResult Parse(string fileName, string yamlText) =>
        ConfigFileReading.Parse(fileName, () => Read(fileName, yamlText));

    private static RepoConfig Read(string fileName, string yamlText)
    {
        var document = ConfigFileReading.LoadSingleDocument(yamlText, "the file is empty; Atlantis needs at least 'version: 3'");
        var root = Mapping(document, "the top level");
        CheckKeys(root, [.. SupportedTopLevel, .. IgnoredTopLevel], "the top level");
        var version = Int(root, "version")
            ?? throw Problem(root, "missing required key 'version'; Atlantis files say 'version: 3'");
        if (!Versions.Contains(version))
            throw Problem(Get(root, "version")!, $"unsupported Atlantis config version {version}; versions 2 and 3 are read");

        var ignored = new IgnoredKeys();
        foreach (var key in IgnoredTopLevel.Where(k => Get(root, k) is not null)) ignored.Add(key, null);
        if (Get(root, "projects") is not { } projectsNode)
            return new RepoConfig(version, true, Autodiscover: true, Projects: []) { Notices = ignored.Notices(fileName) };
        if (projectsNode is not YamlSequenceNode sequence)
            throw Problem(projectsNode, $"'projects' must be a list of projects, found {Describe(projectsNode)}");

        var entries = sequence.Children.Select((node, index) => ReadProject(node, index + 1, ignored)).ToList();
        ProjectEntryChecks.RequireUniqueNames(entries);
        ProjectEntryChecks.RequireKnownAcyclicDependencies(entries);
        return new RepoConfig(version, true, Autodiscover: false, entries.Select(e => e.Definition).ToList())
        {
            Notices = ignored.Notices(fileName),
        };
    }

    /// <summary>Translates one Atlantis project into a <c>.terraflow.yml</c> project (keeping each value's node, so errors point into this file) and reads that.</summary>
    private static ProjectEntry ReadProject(YamlNode node, int number, IgnoredKeys ignored)
    {
        var where = $"project #{number}";
        var mapping = Mapping(node, where);
        CheckKeys(mapping, [.. SupportedProjectKeys, .. IgnoredProjectKeys], where);
        if (Get(mapping, "dir") is null) throw Problem(mapping, $"{where} is missing required key 'dir'");

        var translated = new YamlMappingNode();
        foreach (var key in new[] { "name", "dir", "workspace", "depends_on" })
            if (Get(mapping, key) is { } value) translated.Add(key, value);
        if (Get(mapping, "autoplan") is { } autoplanNode)
        {
            var autoplan = Mapping(autoplanNode, $"'autoplan' in {where}");
            CheckKeys(autoplan, AutoplanKeys, $"'autoplan' in {where}");
            if (Get(autoplan, "enabled") is { } enabled) translated.Add("autoplan", enabled);
            if (Get(autoplan, "when_modified") is { } whenModified) translated.Add("when_modified", whenModified);
        }

        var engine = ProjectEngines.Terraform;
        if (String(mapping, "terraform_distribution") is { } distribution)
        {
            engine = ProjectEngines.Normalize(distribution)
                ?? throw Problem(Get(mapping, "terraform_distribution")!, $"{where}: 'terraform_distribution' must be terraform or opentofu, found '{distribution}'");
            translated.Add("engine", new YamlScalarNode(engine));
        }
        string? versionRange = null;
        if (String(mapping, "terraform_version") is { } version)
        {
            // Atlantis downloads any version matching a constraint; TerraFlow only picks among installed ones.
            if (ProjectEngines.ExactVersion(version) is not null)
                translated.Add(engine + "_version", Get(mapping, "terraform_version")!);
            else
                versionRange = version;
        }

        var entry = ProjectEntry.Read(translated, number, defaultAutoplan: true, LifecycleKeys.None);
        var name = entry.Definition.Name;
        if (versionRange is not null) ignored.Add("terraform_version", $"{name}: {versionRange}");
        foreach (var key in IgnoredProjectKeys.Where(k => Get(mapping, k) is not null)) ignored.Add(key, name);
        // The translated mapping has no position of its own; cross-project errors point at the original project.
        return entry.NameIsDerived ? entry with { NameNode = mapping } : entry;
    }

    /// <summary>The Atlantis keys a file used that TerraFlow ignores, with the projects that set them.</summary>
    private sealed class IgnoredKeys
    {
        private readonly Dictionary<string, List<string>> _projectsByKey = new(StringComparer.Ordinal);

        public void Add(string key, string? project)
        {
            if (!_projectsByKey.TryGetValue(key, out var projects)) _projectsByKey[key] = projects = [];
            if (project is not null && !projects.Contains(project)) projects.Add(project);
        }

        public IReadOnlyList<string> Notices(string fileName)
        {
            var lead = $"Projects are read from {MarkdownText.Code(fileName)} (there is no `.terraflow.yml`).";
            if (_projectsByKey.Count == 0) return [lead];
            // Key names come from the fixed lists above (unknown keys are errors); project names are repository text.
            var parts = _projectsByKey.Select(kv => kv.Value.Count == 0
                ? $"`{kv.Key}`"
                : $"`{kv.Key}` (in {string.Join(", ", kv.Value.Take(5).Select(p => MarkdownText.Code(MarkdownText.Shorten(p, 60))))}{(kv.Value.Count > 5 ? $" and {kv.Value.Count - 5} more" : "")})");
            return [$"{lead} Not supported by TerraFlow and ignored: {string.Join(", ", parts)}. " +
                    "Apply requirements and approvals come from the base branch's `.terraflow.yml` (or TerraFlow's defaults); " +
                    "`terraform_version` ranges fall back to the runner's default version."];
        }
    }
}
