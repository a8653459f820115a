using TerraFlow.Core.Projects;

namespace TerraFlow.Core.CustomWorkflows;

/// <param name="Projects">The projects with <see cref="ProjectDefinition.Workflow"/> resolved from the base commit.</param>
/// <param name="Refusal">Set when the repository may not use custom workflows but its configuration asks for them:
/// the run must stop with this text and run nothing.</param>
/// <param name="Ignored">Projects whose head names a different <c>workflow</c> than the base (the base's is used).</param>
public sealed record WorkflowResolution(IReadOnlyList<ProjectDefinition> Projects, string? Refusal, IReadOnlyList<IgnoredRule> Ignored);

/// <summary>
/// Decides which commands each project runs. Workflows are rules: the steps, the hooks and which workflow a project
/// uses all come from the <b>base</b> commit's configuration, like approvals and policies (see <see cref="RuleMerge"/>).
/// A pull request can therefore never add or change a command that runs with credentials; its edits to
/// <c>workflows:</c>, <c>hooks:</c> or <c>workflow:</c> take effect after merge. And none of it runs unless the
/// operator allows custom workflows for the repository.
/// </summary>
public static class WorkflowRules
{
    public const string RuleKey = "workflow";

    /// <param name="projects">The head's projects after <see cref="RuleMerge"/> (their <c>WorkflowName</c> is the head's).</param>
    /// <param name="baseConfig">The base commit's configuration, or null when it has none.</param>
    /// <param name="headConfig">The head commit's configuration, or null when it has none.</param>
    /// <param name="allowed">The operator allows custom workflows for this repository.</param>
    public static WorkflowResolution Resolve(
        IReadOnlyList<ProjectDefinition> projects, RepoConfig? baseConfig, RepoConfig? headConfig, bool allowed)
    {
        if (!allowed)
        {
            var refusal = Refusal(baseConfig, "base branch") ?? Refusal(headConfig, "pull request")
                ?? (projects.FirstOrDefault(p => p.WorkflowName is not null) is { } named
                    ? RefusalText($"project `{named.Name}` sets `workflow: {named.WorkflowName}`")
                    : null);
            if (refusal is not null) return new WorkflowResolution([], refusal, []);
        }

        var workflows = baseConfig?.Workflows ?? RepoWorkflows.None;
        var resolved = new List<ProjectDefinition>(projects.Count);
        var ignored = new List<IgnoredRule>();
        foreach (var project in projects)
        {
            var baseName = BaseWorkflowName(project, baseConfig);
            if (project.WorkflowName != baseName) ignored.Add(new IgnoredRule(project.Name, [RuleKey]));
            resolved.Add(project with { WorkflowName = baseName, Workflow = For(baseName, workflows) });
        }
        return new WorkflowResolution(resolved, null, ignored);
    }

    /// <summary>The base project with the same dir and workspace, else the same name, decides (as for other rules).</summary>
    private static string? BaseWorkflowName(ProjectDefinition head, RepoConfig? baseConfig)
    {
        if (baseConfig is null) return null;
        var match = baseConfig.Projects.FirstOrDefault(p => p.Dir == head.Dir && p.Workspace == head.Workspace)
            ?? baseConfig.Projects.FirstOrDefault(p => p.Name == head.Name);
        return match?.WorkflowName;
    }

    private static ProjectWorkflow? For(string? name, RepoWorkflows workflows)
    {
        var chosen = name ?? (workflows.Workflows.ContainsKey(RepoWorkflows.DefaultName) ? RepoWorkflows.DefaultName : null);
        var workflow = chosen is not null && workflows.Workflows.TryGetValue(chosen, out var w) ? w : null;
        if (workflow is null && workflows.PrePlan.Count == 0 && workflows.PostPlan.Count == 0) return null;
        return new ProjectWorkflow(workflow?.Name ?? "(hooks only)", workflow?.Plan ?? [], workflow?.Apply ?? [], workflows.PrePlan, workflows.PostPlan);
    }

    private static string? Refusal(RepoConfig? config, string where) =>
        config is null || config.Workflows.IsEmpty
            ? null
            : RefusalText($"the {where}'s `{ProjectDefaults.ConfigFileNames[0]}` sets `workflows:` or `hooks:` (line {config.Workflows.Line})");

    private static string RefusalText(string what) =>
        $"Custom workflows are not enabled for this repository: {what}. They run commands from the repository with the " +
        "job's credentials, so an operator must allow them per repository (setting TerraFlow__Workflows__AllowCustom). " +
        "Remove the key, or ask your TerraFlow operator to allow this repository. Nothing was planned and no command ran.";
}
