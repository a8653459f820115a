using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>One item of <c>projects:</c> with the YAML nodes later cross-project checks point at.</summary>
internal sealed record ProjectEntry(
    ProjectDefinition Definition,
    int Number,
    YamlNode NameNode,
    bool NameIsDerived,
    IReadOnlyList<(string Value, YamlNode Node)> DependsOn)
{
    private static readonly string[] Keys =
        ["name", "dir", "workspace", "when_modified", "depends_on", "autoplan", CustomWorkflows.WorkflowKeys.ProjectKey, DriftKeys.Key, .. LifecycleKeys.Keys, .. EngineKeys.Keys];

    /// <param name="repositoryWide">The top-level apply and policy keys the project's own keys override (policies add up).</param>
    public static ProjectEntry Read(YamlNode node, int number, bool defaultAutoplan, LifecycleKeys repositoryWide, Drift.DriftSettings? repositoryDrift = null)
    {
        var where = $"project #{number}";
        var mapping = Mapping(node, where);
        CheckKeys(mapping, Keys, where);

        var dirText = String(mapping, "dir") ?? throw Problem(mapping, $"{where} is missing required key 'dir'");
        if (!RepoPath.TryNormalize(dirText, out var dir, out var dirProblem))
            throw Problem(Get(mapping, "dir")!, $"{where}: dir {dirProblem}");

        var workspace = String(mapping, "workspace") ?? ProjectDefaults.Workspace;
        RequireNoWhitespace(mapping, "workspace", workspace, where);

        var explicitName = String(mapping, "name");
        var name = explicitName ?? ProjectDefaults.NameFor(dir, workspace);
        if (name.Any(char.IsWhiteSpace))
        {
            throw explicitName is null
                ? Problem(Get(mapping, "dir")!, $"{where}: the name derived from dir '{dir}' is '{name}', which contains whitespace; set 'name'")
                : Problem(Get(mapping, "name")!, $"{where}: name '{name}' must not contain whitespace (it is typed in 'terraflow plan -p NAME')");
        }

        var whenModified = StringList(mapping, "when_modified");
        foreach (var (pattern, patternNode) in whenModified ?? [])
        {
            if (!PathGlob.TryCompile(dir, pattern, out _, out var patternProblem))
                throw Problem(patternNode, $"{where}: when_modified {patternProblem}");
        }

        var dependsOn = StringList(mapping, "depends_on") ?? [];
        var lifecycle = LifecycleKeys.Read(mapping, where).Over(repositoryWide);
        var engine = EngineKeys.Read(mapping, where);
        var drift = DriftKeys.Read(mapping, where);
        var definition = engine.ApplyTo(lifecycle.ApplyTo(new ProjectDefinition(
            name,
            dir,
            workspace,
            whenModified?.Select(p => p.Value).ToList() ?? ProjectDefaults.WhenModified,
            dependsOn.Select(d => d.Value).ToList(),
            Bool(mapping, "autoplan") ?? defaultAutoplan))) with
        {
            WorkflowName = String(mapping, CustomWorkflows.WorkflowKeys.ProjectKey),
            // Key by key over the top level's drift keys.
            Drift = drift is null ? repositoryDrift : drift.Over(repositoryDrift),
        };
        return new ProjectEntry(definition, number, Get(mapping, "name") ?? mapping, explicitName is null, dependsOn);
    }

    private static void RequireNoWhitespace(YamlMappingNode mapping, string key, string value, string where)
    {
        if (value.Any(char.IsWhiteSpace))
            throw Problem(Get(mapping, key)!, $"{where}: {key} '{value}' must not contain whitespace");
    }
}
