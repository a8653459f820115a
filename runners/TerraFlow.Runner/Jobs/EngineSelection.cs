using System.Text.Json;
using TerraFlow.Core.Projects;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Jobs;

/// <summary>The executable one job runs, and the name its log and messages use for it ("terraform", "tofu").</summary>
internal sealed record EngineChoice(string Engine, string Executable)
{
    public string Command => Engine;
}

/// <summary>
/// Chooses the CLI for a project: its <c>engine</c> (else <see cref="RunnerOptions.DefaultEngine"/>), and the
/// executable with its wanted version among those the operator installed (<see cref="RunnerOptions.Versions"/>,
/// else the engine's default executable when it reports that version). A version that is not installed is a clear
/// failure for the comment, never a silent fallback to another version.
/// </summary>
internal static class EngineSelection
{
    private static readonly TimeSpan VersionQueryTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The choice, or the reason there is none (for the comment).</summary>
    public static async Task<(EngineChoice? Choice, string? Problem)> ResolveAsync(
        RunnerOptions options, ProjectDefinition project, JobSandbox sandbox, string workingDirectory, CancellationToken ct)
    {
        var engine = project.Engine ?? ProjectEngines.Normalize(options.DefaultEngine);
        if (engine is null)
            return (null, $"TerraFlow__Runner__DefaultEngine is '{options.DefaultEngine}'; it must be terraform or tofu (ask the operator), or set 'engine' on the project.");
        var executable = engine == ProjectEngines.Tofu ? options.TofuPath : options.TerraformPath;
        if (project.EngineVersion is not { } wanted) return (new EngineChoice(engine, executable), null);

        var listed = Listed(options, engine);
        if (listed.TryGetValue(wanted, out var path)) return (new EngineChoice(engine, path), null);

        var defaultVersion = await VersionOfAsync(executable, sandbox, workingDirectory, ct);
        if (defaultVersion == wanted) return (new EngineChoice(engine, executable), null);

        var name = ProjectEngines.DisplayName(engine);
        var installed = new List<string>();
        if (defaultVersion is not null) installed.Add($"{defaultVersion} ({Path.GetFileName(executable)}, the default)");
        installed.AddRange(listed.Keys.Order(StringComparer.Ordinal));
        var key = engine == ProjectEngines.Tofu ? "tofu_version" : "terraform_version";
        return (null,
            $"{name} {wanted} ({key} of project {project.Name}) is not installed on this runner; installed: " +
            (installed.Count == 0 ? "none that answered the version command" : string.Join(", ", installed)) +
            $". Ask the operator to add it (TerraFlow__Runner__Versions__{name.Replace("OpenTofu", "Tofu")}__{wanted.Replace('.', '_')}=<path>) or change {key}.");
    }

    /// <summary>The configured versions of an engine, keys normalized ("1_5_7" and "v1.5.7" → "1.5.7").</summary>
    private static Dictionary<string, string> Listed(RunnerOptions options, string engine)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (engineKey, versions) in options.Versions)
        {
            if (ProjectEngines.Normalize(engineKey) != engine) continue;
            foreach (var (versionKey, path) in versions)
            {
                if (ProjectEngines.ExactVersion(versionKey.Replace('_', '.')) is { } version && !string.IsNullOrWhiteSpace(path))
                    result[version] = path;
            }
        }
        return result;
    }

    /// <summary><c>version -json</c> of an executable (Terraform and OpenTofu both answer <c>terraform_version</c>); null when it does not answer.</summary>
    private static async Task<string?> VersionOfAsync(string executable, JobSandbox sandbox, string workingDirectory, CancellationToken ct)
    {
        try
        {
            var result = await sandbox.RunAsync(ChildPurpose.Terraform, executable, ["version", "-json"], workingDirectory, null, VersionQueryTimeout, ct);
            if (result.ExitCode != 0) return null;
            using var json = JsonDocument.Parse(result.StandardOutput);
            return json.RootElement.TryGetProperty("terraform_version", out var version) ? version.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
