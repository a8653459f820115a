namespace TerraFlow.Core.Projects;

/// <summary>A Terraform root module TerraFlow plans: one directory + workspace.</summary>
/// <param name="Name">Unique within the repository; used in <c>-p name</c> and in status contexts.</param>
/// <param name="Dir">Repository-relative directory with '/' separators, "." for the root.</param>
/// <param name="WhenModified">Globs relative to <paramref name="Dir"/> (Atlantis semantics); changed files matching any of them affect the project.</param>
/// <param name="DependsOn">Names of projects that must apply before this one.</param>
/// <param name="Autoplan">When false, a push does not plan the project; a <c>terraflow plan -p</c> comment does.</param>
public sealed partial record ProjectDefinition(
    string Name,
    string Dir,
    string Workspace,
    IReadOnlyList<string> WhenModified,
    IReadOnlyList<string> DependsOn,
    bool Autoplan)
{
    /// <summary>Apply trigger, requirements, approvers, lock timing and policy owners.</summary>
    public ApplySettings Apply { get; init; } = ApplySettings.Default;

    /// <summary>Built-in policy rules (repository-wide ones first, then the project's own).</summary>
    public IReadOnlyList<Policies.PolicyRule> Policies { get; init; } = [];

    /// <summary>Repository-relative folders of Rego policies the runner checks with <c>conftest test</c>.</summary>
    public IReadOnlyList<string> PolicyPaths { get; init; } = [];

    /// <summary>
    /// The commit whose files <see cref="PolicyPaths"/> name: the base commit the rules were read from (the head only
    /// when an operator allows <c>policy_paths</c> overrides for the repository). Null in definitions stored before
    /// rules came from the base; the runner then uses the job's base commit, never the head.
    /// </summary>
    public string? PolicyCommit { get; init; }

    /// <summary>
    /// The <c>drift:</c> keys that apply to this project (its own over the top level's); null = none set. Read for
    /// drift only from the default branch's file: a pull request's file never turns drift detection on.
    /// </summary>
    public Drift.DriftSettings? Drift { get; init; }

    /// <summary>The <c>workflow:</c> this project names in the file it was read from (head or base); only the base's counts.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>
    /// The custom steps the runner runs for this project, resolved from the base commit by
    /// <see cref="CustomWorkflows.WorkflowRules"/>; null = TerraFlow's built-in init and plan (or apply).
    /// </summary>
    public CustomWorkflows.ProjectWorkflow? Workflow { get; init; }
}

/// <summary>A problem in the repository configuration, pointing at the file and line a user must fix.</summary>
public sealed record ConfigError(string File, int? Line, int? Column, string Message)
{
    public override string ToString() =>
        Line is null ? $"{File}: {Message}" : $"{File}:{Line}{(Column is null ? "" : $":{Column}")}: {Message}";
}

/// <summary>A read-only view of a repository checkout at one commit.</summary>
public interface IRepositorySnapshot
{
    /// <summary>Every tracked file, repository-relative, '/' separators, no leading "./".</summary>
    IReadOnlyList<string> Files { get; }

    /// <exception cref="RepositoryFileRefusedException">The file may not be read (symlink leaving the checkout, not a
    /// regular file, too large); discovery turns it into a configuration error.</exception>
    string ReadAllText(string path);
}
