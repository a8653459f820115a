using YamlDotNet.Core;
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

    private static readonly string[] TopLevelKeys = ["version", "autoplan", "projects", .. LifecycleKeys.Keys, .. CustomWorkflows.WorkflowKeys.TopLevelKeys];

    public static RepoConfigResult Parse(string fileName, string yamlText)
    {
        try
        {
            return RepoConfigResult.Success(Read(yamlText));
        }
        catch (ConfigProblemException problem)
        {
            return RepoConfigResult.Failure(new ConfigError(fileName, problem.Line, problem.Column, problem.Message));
        }
        catch (YamlException yaml)
        {
            // Syntax errors, duplicate keys and unknown aliases all carry the position where YamlDotNet stopped.
            return RepoConfigResult.Failure(new ConfigError(
                fileName, (int)yaml.Start.Line, (int)yaml.Start.Column, $"invalid YAML: {yaml.Message}"));
        }
    }

    private static RepoConfig Read(string yamlText)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(yamlText);
        if (bytes > YamlLimits.MaxBytes)
            throw new ConfigProblemException(new Mark(0, 1, 1), $"the file is {bytes:N0} bytes; at most {YamlLimits.MaxBytes:N0} are read");
        var stream = new YamlStream();
        // Bounded: aliases, depth and node count are checked as the events arrive, before the model is built.
        stream.Load(new BoundedYamlParser(new Parser(new StringReader(yamlText))));
        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
            throw new ConfigProblemException(new Mark(0, 1, 1), $"the file is empty; it needs at least 'version: {SupportedVersion}'");
        if (stream.Documents.Count > 1)
            throw Problem(stream.Documents[1].RootNode, "the file must contain a single YAML document, found a second one");

        var root = Mapping(stream.Documents[0].RootNode, "the top level");
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
        if (Get(root, "projects") is not { } projectsNode)
            return WithDefaults(new RepoConfig(version, autoplan, Autodiscover: true, Projects: []), defaults) with { Workflows = workflows };
        if (projectsNode is not YamlSequenceNode sequence)
            throw Problem(projectsNode, $"'projects' must be a list of projects, found {Describe(projectsNode)}");

        CustomWorkflows.WorkflowKeys.RequireKnownWorkflows(sequence, workflows);
        var entries = sequence.Children.Select((node, index) => ProjectEntry.Read(node, index + 1, autoplan, repositoryWide)).ToList();
        ProjectEntryChecks.RequireUniqueNames(entries);
        ProjectEntryChecks.RequireKnownAcyclicDependencies(entries);
        return WithDefaults(new RepoConfig(version, autoplan, Autodiscover: false, entries.Select(e => e.Definition).ToList()), defaults) with { Workflows = workflows };
    }

    private static RepoConfig WithDefaults(RepoConfig config, LifecycleKeys defaults) =>
        config with { Apply = defaults.Settings, Policies = defaults.Rules, PolicyPaths = defaults.PolicyPaths };
}
