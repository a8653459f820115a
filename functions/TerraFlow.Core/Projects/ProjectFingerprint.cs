using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TerraFlow.Core.Projects;

/// <summary>One tracked file of a commit as <c>git ls-files -s</c> lists it: path, mode and blob id.</summary>
public sealed record TrackedBlob(string Path, string Mode, string ObjectId);

/// <summary>
/// A per-project hash of everything a plan of the project reads from the repository, so a new push can tell that a
/// project's inputs are provably identical to those of an earlier plan (smart re-plans, see
/// <see cref="Workflow.CarriedPlans"/>). Git blob ids name file contents exactly, so equal fingerprints mean equal
/// files. Covered: every file under the project's dir (its <c>.tf</c> files, <c>.terraform.lock.hcl</c>, variable
/// files, <c>.terraform-version</c>), every file under the local modules it calls (transitively), the repository
/// config files, the project's whole definition (engine, version, workflow, rules) and the runner's environment text.
/// </summary>
public static class ProjectFingerprint
{
    /// <summary>Bumped when what the hash covers changes, so no plan is carried across such a change.</summary>
    private const string Version = "terraflow-project-fingerprint/1";

    /// <param name="configFiles">Repository config files (<c>.terraflow.yml</c>, <c>atlantis.yaml</c>): their
    /// workflows may shape the plan beyond the project's own definition, so any change to them re-plans.</param>
    /// <param name="environment">Runner settings that choose how the project is planned (default engine).</param>
    /// <returns>"sha256:…", or null when the inputs cannot be proven identical by blob ids: a symlink among them (its
    /// blob is the link text, not what it points at). Null always means "plan again".</returns>
    public static string? Compute(ProjectDefinition project, ModuleGraph modules, IReadOnlyList<TrackedBlob> files, IReadOnlyCollection<string> configFiles, string environment)
    {
        var dirs = modules.ModulesUsedBy(project.Dir).Append(project.Dir).Distinct(StringComparer.Ordinal).ToList();
        var inputs = files
            .Where(f => configFiles.Contains(f.Path) || dirs.Any(d => IsUnder(f.Path, d)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        if (inputs.Any(f => f.Mode == "120000")) return null;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Version);
        Append(hash, environment);
        Append(hash, JsonSerializer.Serialize(project, Jobs.JobWire.Options));
        foreach (var f in inputs) Append(hash, $"{f.Mode} {f.ObjectId} {f.Path}");
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsUnder(string path, string dir) =>
        dir == RepoPath.Root || path.StartsWith(dir + "/", StringComparison.Ordinal);

    // Each part ends in a NUL (which no path, mode or JSON text contains), so two different lists never hash alike.
    private static void Append(IncrementalHash hash, string part)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(part));
        hash.AppendData([0]);
    }
}
