using System.Diagnostics.CodeAnalysis;

namespace TerraFlow.Core.Projects;

/// <summary>The parsed <c>.terraflow.yml</c>.</summary>
/// <param name="Version">Schema version; only 1 exists.</param>
/// <param name="Autoplan">Top-level default for projects that do not set <c>autoplan</c>.</param>
/// <param name="Autodiscover">True when the file has no <c>projects</c> key: projects are then autodiscovered.</param>
/// <param name="Projects">Projects in file order (empty when <paramref name="Autodiscover"/> is true).</param>
public sealed partial record RepoConfig(int Version, bool Autoplan, bool Autodiscover, IReadOnlyList<ProjectDefinition> Projects)
{
    /// <summary>The top-level apply settings (defaults for every project; autodiscovered projects get exactly these).</summary>
    public ApplySettings Apply { get; init; } = ApplySettings.Default;

    /// <summary>The top-level built-in policy rules; every project has them, before its own.</summary>
    public IReadOnlyList<Policies.PolicyRule> Policies { get; init; } = [];

    /// <summary>The top-level Rego policy folders; every project has them, before its own.</summary>
    public IReadOnlyList<string> PolicyPaths { get; init; } = [];

    /// <summary>The <c>workflows:</c> and <c>hooks:</c> keys (custom steps; see CustomWorkflows/README.md).</summary>
    public CustomWorkflows.RepoWorkflows Workflows { get; init; } = CustomWorkflows.RepoWorkflows.None;

    /// <summary>The top-level <c>drift:</c> keys (projects override them key by key); null without one.</summary>
    public Drift.DriftSettings? Drift { get; init; }

    /// <summary>An autodiscovered project with the repository-wide settings of this file.</summary>
    public ProjectDefinition WithRepositoryDefaults(ProjectDefinition project) =>
        project with { Apply = Apply, Policies = Policies, PolicyPaths = PolicyPaths, Drift = Drift };
}

/// <summary>Either a <see cref="RepoConfig"/> or the first <see cref="ConfigError"/> found in the file.</summary>
public sealed class RepoConfigResult
{
    private RepoConfigResult(RepoConfig? config, ConfigError? error)
    {
        Config = config;
        Error = error;
    }

    public RepoConfig? Config { get; }

    public ConfigError? Error { get; }

    [MemberNotNullWhen(true, nameof(Config))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Config is not null;

    public static RepoConfigResult Success(RepoConfig config) => new(config, null);

    public static RepoConfigResult Failure(ConfigError error) => new(null, error);
}

/// <summary>Values a project gets when the configuration (or autodiscovery) does not say otherwise.</summary>
public static class ProjectDefaults
{
    public const string Workspace = "default";

    /// <summary>The repository configuration file names, in the order they are looked for.</summary>
    public static IReadOnlyList<string> ConfigFileNames { get; } = [".terraflow.yml", ".terraflow.yaml"];

    /// <summary>
    /// Relative to the project dir, the set Atlantis uses: <c>**/*.tf*</c> (every name with ".tf" after its first
    /// character: <c>*.tf</c>, <c>*.tfvars</c>, <c>*.tf.json</c>, <c>*.tfvars.json</c>), Terragrunt's file, the provider
    /// lock file and OpenTofu's own sources, anywhere below the project dir.
    /// </summary>
    public static IReadOnlyList<string> WhenModified { get; } =
        ["**/*.tf*", "**/terragrunt.hcl", "**/.terraform.lock.hcl", "**/*.tofu", "**/*.tofu.json"];

    /// <summary>
    /// "infra/network" → "infra-network"; workspace "staging" → "infra-network-staging"; the root dir "." → "root".
    /// </summary>
    public static string NameFor(string dir, string workspace)
    {
        var name = dir == RepoPath.Root ? "root" : dir.Replace('/', '-');
        return workspace == Workspace ? name : name + "-" + workspace;
    }
}
