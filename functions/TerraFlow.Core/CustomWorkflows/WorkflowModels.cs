namespace TerraFlow.Core.CustomWorkflows;

/// <summary>The kinds of step a custom workflow may list (spelled as in <c>.terraflow.yml</c>).</summary>
public static class StepKinds
{
    public const string Init = "init";
    public const string Plan = "plan";
    public const string Apply = "apply";
    public const string Run = "run";
    public const string Env = "env";
}

/// <summary>
/// One step of a custom workflow. Kept flat (strings, lists) because it travels inside a <c>ProjectDefinition</c>: in
/// the job spec to the runner and in the stored run.
/// </summary>
/// <param name="Kind">One of <see cref="StepKinds"/>.</param>
public sealed record WorkflowStep(string Kind)
{
    /// <summary><c>init</c> / <c>plan</c> / <c>apply</c>: arguments added after TerraFlow's own.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary><c>run</c>: the shell command; <c>env</c> with <c>command</c>: the command whose output is the value.</summary>
    public string? Command { get; init; }

    /// <summary><c>env</c>: the variable's name.</summary>
    public string? Name { get; init; }

    /// <summary><c>env</c> with <c>value</c>: the literal value.</summary>
    public string? Value { get; init; }

    /// <summary>How the step is named in logs and in the pull-request comment, e.g. <c>run: tflint</c>.</summary>
    public string Describe() => Kind switch
    {
        StepKinds.Run => "run: " + Command,
        StepKinds.Env => $"env: {Name}",
        _ => ExtraArgs.Count == 0 ? Kind : $"{Kind} {string.Join(' ', ExtraArgs)}",
    };
}

/// <summary>A named workflow from <c>workflows:</c>: the steps of a plan and of an apply.</summary>
/// <param name="Plan">Empty = TerraFlow's default plan (init, plan).</param>
/// <param name="Apply">Empty = TerraFlow's default apply (init, apply).</param>
public sealed record CustomWorkflow(string Name, IReadOnlyList<WorkflowStep> Plan, IReadOnlyList<WorkflowStep> Apply);

/// <summary>
/// The <c>workflows:</c> and <c>hooks:</c> keys of one <c>.terraflow.yml</c>. <see cref="Line"/> points at the first of
/// them, so a refusal can name where it is.
/// </summary>
/// <param name="PrePlan">Steps (<c>run</c>, <c>env</c>) every project runs before its plan workflow.</param>
/// <param name="PostPlan">Steps (<c>run</c>) every project runs after a successful plan.</param>
public sealed record RepoWorkflows(
    IReadOnlyDictionary<string, CustomWorkflow> Workflows,
    IReadOnlyList<WorkflowStep> PrePlan,
    IReadOnlyList<WorkflowStep> PostPlan,
    int Line)
{
    public static readonly RepoWorkflows None = new(new Dictionary<string, CustomWorkflow>(), [], [], 0);

    /// <summary>True when the file asks for no repository-supplied command at all.</summary>
    public bool IsEmpty => Workflows.Count == 0 && PrePlan.Count == 0 && PostPlan.Count == 0;

    /// <summary>A workflow called <c>default</c> is used by every project that names none (as in Atlantis).</summary>
    public const string DefaultName = "default";
}

/// <summary>
/// What one project runs, resolved from the <b>base</b> commit's configuration (never from the pull request's head):
/// its workflow's steps plus the repository's hooks. Null on a project = TerraFlow's built-in steps only.
/// </summary>
public sealed record ProjectWorkflow(
    string Name,
    IReadOnlyList<WorkflowStep> Plan,
    IReadOnlyList<WorkflowStep> Apply,
    IReadOnlyList<WorkflowStep> PrePlan,
    IReadOnlyList<WorkflowStep> PostPlan);

/// <summary>The masked output of one <c>run</c> step, for the pull-request comment.</summary>
/// <param name="Step">The step as written, e.g. <c>run: tflint</c>.</param>
/// <param name="ExitCode">The command's exit code (-1 when it timed out).</param>
/// <param name="Output">Standard output then standard error, masked and shortened.</param>
public sealed record StepOutput(string Step, int ExitCode, string Output);
