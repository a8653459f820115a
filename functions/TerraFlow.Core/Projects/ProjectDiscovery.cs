namespace TerraFlow.Core.Projects;

/// <summary>The projects of one commit and where they came from.</summary>
/// <param name="Projects">In configuration order, or sorted by dir when autodiscovered; empty when <paramref name="Error"/> is set.</param>
/// <param name="Modules">The local module graph of the same commit, for <see cref="AffectedProjects"/>.</param>
/// <param name="ConfigFile">The configuration file that was read, or null when there is none.</param>
/// <param name="Autodiscovered">True when the projects come from scanning for Terraform directories.</param>
/// <param name="Error">A problem in the configuration; TerraFlow must report it instead of planning.</param>
public sealed record DiscoveryResult(
    IReadOnlyList<ProjectDefinition> Projects,
    ModuleGraph Modules,
    string? ConfigFile,
    bool Autodiscovered,
    ConfigError? Error)
{
    public bool IsSuccess => Error is null;

    /// <summary>Markdown notices for the comment (e.g. Atlantis keys TerraFlow ignores); see <see cref="RepoConfig.Notices"/>.</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

/// <summary>
/// Finds the projects of a repository: from <c>.terraflow.yml</c> / <c>.terraflow.yaml</c> at the root when present,
/// else from an Atlantis <c>atlantis.yaml</c> / <c>atlantis.yml</c> (see <see cref="RepositoryConfigFiles"/>), otherwise
/// (or when that file has no <c>projects</c> key) by autodiscovery. Projects whose directory holds only OpenTofu files
/// get <c>engine: tofu</c> unless they name an engine (<see cref="OpenTofuFiles.InferEngines"/>).
/// </summary>
public static class ProjectDiscovery
{
    public static DiscoveryResult Discover(IRepositorySnapshot repo)
    {
        try
        {
            return DiscoverFiles(repo);
        }
        catch (RepositoryFileRefusedException refused)
        {
            // A file the snapshot will not read (e.g. a symlink out of the checkout) is the pull request's problem to
            // fix, like a syntax error: name the file and why, never its content.
            var error = new ConfigError(refused.Path, null, null, $"refused to read this file: {refused.Reason}");
            return new DiscoveryResult([], ModuleGraph.Empty, null, false, error);
        }
    }

    private static DiscoveryResult DiscoverFiles(IRepositorySnapshot repo)
    {
        var found = DiscoverConfigured(repo);
        return found.IsSuccess ? found with { Projects = OpenTofuFiles.InferEngines(found.Projects, repo.Files) } : found;
    }

    private static DiscoveryResult DiscoverConfigured(IRepositorySnapshot repo)
    {
        var modules = ModuleGraph.Build(repo);
        var (configFile, choiceError, choiceNotice) = RepositoryConfigFiles.Choose(repo.Files);
        if (choiceError is not null)
            return new DiscoveryResult([], modules, configFile, false, choiceError);
        if (configFile is null)
            return Autodiscover(repo, modules, config: null, configFile: null);

        var parsed = RepositoryConfigFiles.Parse(configFile, repo.ReadAllText(configFile));
        if (!parsed.IsSuccess)
            return new DiscoveryResult([], modules, configFile, false, parsed.Error);
        IReadOnlyList<string> notices = [.. parsed.Config.Notices, .. choiceNotice is null ? [] : new[] { choiceNotice }];
        var result = parsed.Config.Autodiscover
            ? Autodiscover(repo, modules, parsed.Config, configFile)
            : new DiscoveryResult(parsed.Config.Projects, modules, configFile, false, null);
        return result with { Notices = notices };
    }

    /// <summary>
    /// Every directory holding ".tf"/".tf.json" (or OpenTofu's ".tofu"/".tofu.json") files becomes a project, except directories that other directories
    /// call as local modules (they are planned through their callers). Hidden directories and ".terraform/" are skipped.
    /// </summary>
    public static IReadOnlyList<string> AutodiscoverDirectories(IRepositorySnapshot repo, ModuleGraph modules) =>
        repo.Files
            .Where(f => ModuleGraph.IsTerraformFile(f) && !RepoPath.IsInHiddenDirectory(f))
            .Select(RepoPath.DirectoryOf)
            .Distinct(StringComparer.Ordinal)
            .Where(dir => !modules.IsCalledAsModule(dir))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <param name="config">The configuration file without <c>projects</c>, whose autoplan and repository-wide apply and
    /// policy settings every discovered project gets; null when there is no file.</param>
    private static DiscoveryResult Autodiscover(IRepositorySnapshot repo, ModuleGraph modules, RepoConfig? config, string? configFile)
    {
        var autoplan = config?.Autoplan ?? true;
        var projects = new List<ProjectDefinition>();
        var dirByName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in AutodiscoverDirectories(repo, modules))
        {
            var name = ProjectDefaults.NameFor(dir, ProjectDefaults.Workspace);
            if (!dirByName.TryAdd(name, dir))
            {
                var error = new ConfigError(configFile ?? ProjectDefaults.ConfigFileNames[0], null, null,
                    $"autodiscovered directories '{dirByName[name]}' and '{dir}' both get the project name '{name}'; list them in {ProjectDefaults.ConfigFileNames[0]} with distinct names");
                return new DiscoveryResult([], modules, configFile, true, error);
            }
            var project = new ProjectDefinition(name, dir, ProjectDefaults.Workspace, ProjectDefaults.WhenModified, [], autoplan);
            projects.Add(config is null ? project : config.WithRepositoryDefaults(project));
        }
        return new DiscoveryResult(projects, modules, configFile, true, null);
    }
}
