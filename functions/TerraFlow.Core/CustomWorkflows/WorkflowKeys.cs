using TerraFlow.Core.Projects;
using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.CustomWorkflows;

/// <summary>
/// Reads the <c>workflows:</c> and <c>hooks:</c> keys of <c>.terraflow.yml</c> (schema in README.md beside this file)
/// and checks that every <c>projects[].workflow</c> names a defined workflow. Problems point at the line to fix.
/// </summary>
internal static class WorkflowKeys
{
    public const string WorkflowsKey = "workflows";
    public const string HooksKey = "hooks";
    public const string ProjectKey = "workflow";

    public static readonly string[] TopLevelKeys = [WorkflowsKey, HooksKey];

    private static readonly string[] WorkflowParts = [StepKinds.Plan, StepKinds.Apply];
    private static readonly string[] HookParts = ["pre_plan", "post_plan"];
    private static readonly string[] EnvKeys = ["name", "value", "command"];
    private static readonly string[] ArgsKeys = ["extra_args"];

    public static RepoWorkflows Read(YamlMappingNode root)
    {
        var workflowsNode = Get(root, WorkflowsKey);
        var hooksNode = Get(root, HooksKey);
        if (workflowsNode is null && hooksNode is null) return RepoWorkflows.None;

        var workflows = new Dictionary<string, CustomWorkflow>(StringComparer.Ordinal);
        if (workflowsNode is not null)
        {
            foreach (var (keyNode, value) in Mapping(workflowsNode, "'workflows'").Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? "";
                if (name.Length == 0 || name.Any(char.IsWhiteSpace))
                    throw Problem(keyNode, $"workflow name '{name}' must be a non-empty name without whitespace");
                var where = $"workflow '{name}'";
                var parts = Mapping(value, where);
                CheckKeys(parts, WorkflowParts, where);
                var plan = Steps(Get(parts, StepKinds.Plan), $"{where} plan", [StepKinds.Init, StepKinds.Plan, StepKinds.Run, StepKinds.Env], StepKinds.Plan);
                var apply = Steps(Get(parts, StepKinds.Apply), $"{where} apply", [StepKinds.Init, StepKinds.Apply, StepKinds.Run, StepKinds.Env], StepKinds.Apply);
                workflows[name] = new CustomWorkflow(name, plan, apply);
            }
        }

        IReadOnlyList<WorkflowStep> prePlan = [], postPlan = [];
        if (hooksNode is not null)
        {
            var hooks = Mapping(hooksNode, "'hooks'");
            CheckKeys(hooks, HookParts, "'hooks'");
            prePlan = Steps(Get(hooks, "pre_plan"), "hooks pre_plan", [StepKinds.Run, StepKinds.Env], required: null);
            postPlan = Steps(Get(hooks, "post_plan"), "hooks post_plan", [StepKinds.Run], required: null);
        }
        var first = workflowsNode ?? hooksNode!;
        return new RepoWorkflows(workflows, prePlan, postPlan, (int)first.Start.Line);
    }

    /// <summary>Every <c>workflow:</c> of a project must name a workflow of the same file.</summary>
    public static void RequireKnownWorkflows(YamlSequenceNode projects, RepoWorkflows workflows)
    {
        foreach (var item in projects.Children.OfType<YamlMappingNode>())
        {
            if (Get(item, ProjectKey) is not { } node) continue;
            var name = String(item, ProjectKey)!;
            if (!workflows.Workflows.ContainsKey(name))
            {
                var known = workflows.Workflows.Count == 0 ? "the file defines no 'workflows'" : "defined: " + string.Join(", ", workflows.Workflows.Keys);
                throw Problem(node, $"project uses workflow '{name}', which is not defined; {known}");
            }
        }
    }

    /// <param name="required">The built-in step the list must contain exactly once (plan or apply), or null.</param>
    private static IReadOnlyList<WorkflowStep> Steps(YamlNode? node, string where, string[] allowed, string? required)
    {
        if (node is null) return [];
        // Atlantis writes `plan: { steps: [...] }`; a plain list is accepted too.
        if (node is YamlMappingNode wrapper)
        {
            CheckKeys(wrapper, ["steps"], where);
            node = Get(wrapper, "steps");
            if (node is null) return [];
        }
        if (node is not YamlSequenceNode sequence)
            throw Problem(node, $"{where} must be a list of steps, found {Describe(node)}");
        var steps = sequence.Children.Select(item => Step(item, where, allowed)).ToList();
        if (required is not null && steps.Count > 0)
        {
            var count = steps.Count(s => s.Kind == required);
            if (count != 1)
                throw Problem(sequence, $"{where} must contain the '{required}' step exactly once, found {count}; it is the step whose plan TerraFlow stores, shows and applies");
        }
        return steps;
    }

    private static WorkflowStep Step(YamlNode item, string where, string[] allowed)
    {
        string kind;
        YamlNode? body = null;
        if (item is YamlScalarNode { Value: { } scalar } && !IsNull(item))
            kind = scalar;
        else if (item is YamlMappingNode { Children.Count: 1 } single && single.Children.First().Key is YamlScalarNode { Value: { } key })
            (kind, body) = (key, single.Children.First().Value);
        else
            throw Problem(item, $"each step in {where} is a name (init, plan, apply) or a mapping with one key (run, env, init, plan, apply), found {Describe(item)}");

        if (!allowed.Contains(kind))
            throw Problem(item, $"step '{kind}' is not allowed in {where}; allowed: {string.Join(", ", allowed)}");
        switch (kind)
        {
            case StepKinds.Run:
                if (body is not YamlScalarNode { Value: { } command } || string.IsNullOrWhiteSpace(command))
                    throw Problem(body ?? item, $"'run' in {where} must be a command string");
                return new WorkflowStep(kind) { Command = command };
            case StepKinds.Env:
                var env = Mapping(body ?? item, $"'env' in {where}");
                CheckKeys(env, EnvKeys, $"'env' in {where}");
                var name = String(env, "name") ?? throw Problem(env, $"'env' in {where} needs 'name'");
                if (!IsVariableName(name)) throw Problem(Get(env, "name")!, $"'env' in {where}: '{name}' is not a variable name (letters, digits, '_')");
                var value = Get(env, "value") is YamlScalarNode { Value: var v } ? v ?? "" : null;
                var command2 = String(env, "command");
                if ((value is null) == (command2 is null))
                    throw Problem(env, $"'env' {name} in {where} needs exactly one of 'value' or 'command'");
                return new WorkflowStep(kind) { Name = name, Value = value, Command = command2 };
            default:
                if (body is null) return new WorkflowStep(kind);
                var args = Mapping(body, $"'{kind}' in {where}");
                CheckKeys(args, ArgsKeys, $"'{kind}' in {where}");
                return new WorkflowStep(kind) { ExtraArgs = StringList(args, "extra_args")?.Select(a => a.Value).ToList() ?? [] };
        }
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
