namespace TerraFlow.Core.Projects;

/// <summary>
/// Which repository configuration file a commit has, and how to read it: <c>.terraflow.yml</c> / <c>.terraflow.yaml</c>
/// first; without one, an Atlantis <c>atlantis.yaml</c> / <c>atlantis.yml</c>. Discovery (head) and the base branch's
/// rules (runner <c>BaseRuleFiles</c>) both choose through here, so they never disagree about which file counts.
/// </summary>
public static class RepositoryConfigFiles
{
    /// <summary>Every name looked for, TerraFlow's own first.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. ProjectDefaults.ConfigFileNames, .. AtlantisConfigReader.FileNames];

    public static bool IsConfigFile(string path) => AllNames.Contains(path, StringComparer.Ordinal);

    public static bool IsAtlantisFile(string path) => AtlantisConfigReader.FileNames.Contains(path, StringComparer.Ordinal);

    /// <summary>
    /// The file to read among those present (null when none), or an error when two of one kind exist. An Atlantis file
    /// next to a TerraFlow one is not read; <paramref name="Notice"/> then says so.
    /// </summary>
    public static (string? File, ConfigError? Error, string? Notice) Choose(IEnumerable<string> present)
    {
        var names = present.Where(IsConfigFile).Distinct(StringComparer.Ordinal).ToList();
        var own = ProjectDefaults.ConfigFileNames.Where(names.Contains).ToList();
        var atlantis = AtlantisConfigReader.FileNames.Where(names.Contains).ToList();
        var family = own.Count > 0 ? own : atlantis;
        if (family.Count > 1)
            return (family[0], new ConfigError(family[1], null, null, $"both {family[0]} and {family[1]} exist; keep only one repository configuration file"), null);
        if (family.Count == 0) return (null, null, null);
        var notice = own.Count > 0 && atlantis.Count > 0
            ? $"`{atlantis[0]}` is not read because `{own[0]}` exists; TerraFlow uses only `{own[0]}`."
            : null;
        return (family[0], null, notice);
    }

    /// <summary>Parses the chosen file with the reader for its kind.</summary>
    public static RepoConfigResult Parse(string file, string text) =>
        IsAtlantisFile(file) ? AtlantisConfigReader.Parse(file, text) : RepoConfigParser.Parse(file, text);
}
