using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// Parses <c>.terraflow.yml</c> (schema in README.md next to this file). Returns the first problem found, with the
/// file name, 1-based line and column, and a message that says exactly what to fix.
/// </summary>
public static class RepoConfigParser
{
    public const int SupportedVersion = 1;

    private static readonly string[] TopLevelKeys = ["version", "autoplan", "projects", DriftKeys.Key, .. LifecycleKeys.Keys, .. CustomWorkflows.WorkflowKeys.TopLevelKeys];

    public static RepoConfigResult Parse(string fileName, string yamlText) =>
        ConfigFileReading.Parse(fileName, () => Read(yamlText));

    private static RepoConfig Read(string yamlText)
    {
        var document = ConfigFileReading.LoadSingleDocument(yamlText, $"the file is empty; it needs at least 'version: {SupportedVersion}'");
        var root = Mapping(document, "the top level");
        CheckKeys(root, TopLevelKeys, "the top level");

        var version = Int(root, "version")
            ?? throw Problem(root, $"missing required key 'version'; add 'version: {SupportedVersion}'");
        if (version != SupportedVersion)
            throw Problem(Get(root, "version")!, $"unsupported version {version}; only version {SupportedVersion} is supported");

        var autoplan = Bool(root, "autoplan") ?? true;
        // Repository-wide apply and policy settings; checked on their own too so a typo is reported even without projects.
        var repositoryWide = LifecycleKeys.Read(root, "the top level");
        var defaults = repositoryWide.Over(LifecycleKeys.None);
        var workflows = CustomWorkflows.WorkflowKeys.Read(root);
        var drift = DriftKeys.Read(root, "the top level");
        if (Get(root, "projects") is not { } projectsNode)
            return WithDefaults(new RepoConfig(version, autoplan, Autodiscover: true, Projects: []), defaults) with { Workflows = workflows, Drift = drift };
        if (projectsNode is not YamlSequenceNode sequence)
            throw Problem(projectsNode, $"'projects' must be a list of projects, found {Describe(projectsNode)}");

        CustomWorkflows.WorkflowKeys.RequireKnownWorkflows(sequence, workflows);
        var entries = sequence.Children.Select((node, index) => ProjectEntry.Read(node, index + 1, autoplan, repositoryWide, drift)).ToList();
        ProjectEntryChecks.RequireUniqueNames(entries);
        ProjectEntryChecks.RequireKnownAcyclicDependencies(entries);
        return WithDefaults(new RepoConfig(version, autoplan, Autodiscover: false, entries.Select(e => e.Definition).ToList()), defaults) with { Workflows = workflows, Drift = drift };
    }

    private static RepoConfig WithDefaults(RepoConfig config, LifecycleKeys defaults) =>
        config with { Apply = defaults.Settings, Policies = defaults.Rules, PolicyPaths = defaults.PolicyPaths };
}
