using YamlDotNet.RepresentationModel;
using static TerraFlow.Core.Projects.YamlValues;

namespace TerraFlow.Core.Projects;

/// <summary>
/// A project's <c>engine</c>, <c>terraform_version</c> / <c>tofu_version</c>, <c>plan_timeout</c> and
/// <c>apply_timeout</c> in <c>.terraflow.yml</c> (see <see cref="ProjectDefinition.Engine"/>).
/// </summary>
internal sealed record EngineKeys(string? Engine, string? Version, TimeSpan? PlanTimeout, TimeSpan? ApplyTimeout)
{
    public static readonly string[] Keys = ["engine", "terraform_version", "tofu_version", "plan_timeout", "apply_timeout"];

    public static EngineKeys Read(YamlMappingNode mapping, string where)
    {
        string? engine = null;
        if (String(mapping, "engine") is { } engineText)
        {
            engine = ProjectEngines.Normalize(engineText)
                ?? throw Problem(Get(mapping, "engine")!, $"{where}: 'engine' must be one of terraform, tofu, found '{engineText}'");
        }
        var terraformVersion = ReadVersion(mapping, "terraform_version", where);
        var tofuVersion = ReadVersion(mapping, "tofu_version", where);
        if (terraformVersion is not null && tofuVersion is not null)
            throw Problem(Get(mapping, "tofu_version")!, $"{where}: set either 'terraform_version' or 'tofu_version', not both (they name the engine too)");
        // A version key names its engine; it must not contradict an explicit one.
        var versionEngine = terraformVersion is not null ? ProjectEngines.Terraform : tofuVersion is not null ? ProjectEngines.Tofu : null;
        if (engine is not null && versionEngine is not null && engine != versionEngine)
        {
            var key = versionEngine == ProjectEngines.Terraform ? "terraform_version" : "tofu_version";
            throw Problem(Get(mapping, key)!, $"{where}: '{key}' does not fit 'engine: {engine}'; use '{engine}_version'");
        }
        return new EngineKeys(engine ?? versionEngine, terraformVersion ?? tofuVersion,
            Duration(mapping, "plan_timeout", where), Duration(mapping, "apply_timeout", where));
    }

    public ProjectDefinition ApplyTo(ProjectDefinition definition) =>
        definition with { Engine = Engine, EngineVersion = Version, PlanTimeout = PlanTimeout, ApplyTimeout = ApplyTimeout };

    private static string? ReadVersion(YamlMappingNode mapping, string key, string where)
    {
        if (String(mapping, key) is not { } text) return null;
        return ProjectEngines.ExactVersion(text)
            ?? throw Problem(Get(mapping, key)!, $"{where}: '{key}' must be an exact version such as 1.11.4, found '{text}' (version ranges are not supported: the runner selects among the versions its operator installed)");
    }

    private static TimeSpan? Duration(YamlMappingNode mapping, string key, string where)
    {
        if (String(mapping, key) is not { } text) return null;
        return DurationText.Parse(text)
            ?? throw Problem(Get(mapping, key)!, $"{where}: '{key}' must be a duration such as 90s, 10m, 1h30m or 00:10:00, found '{text}'");
    }
}
