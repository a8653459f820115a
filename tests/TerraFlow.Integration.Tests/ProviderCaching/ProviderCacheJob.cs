using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.RealTerraform;
using TerraFlow.Runner;
using TerraFlow.Runner.Providers;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>What one job's <c>terraform init</c> did.</summary>
/// <param name="Installed">Per locked provider: where its installed folder in <c>.terraform/providers</c> links to (null: a real folder or none).</param>
/// <param name="InstalledBinary">Per locked provider: the bytes of the installed provider binary (null: none).</param>
public sealed record InitOutcome(
    ProviderCacheResult Prepared, int ExitCode, string Output, bool LockFileUnchanged,
    IReadOnlyDictionary<string, string?> Installed, IReadOnlyDictionary<string, byte[]?> InstalledBinary);

/// <summary>
/// One plan job's provider step exactly as the runner does it (<c>Jobs/ProviderCacheStep</c>): a job sandbox (as
/// root: a fresh unprivileged uid, a 0700 job folder), the project's lock file parsed, the cache prepared, and the
/// real <c>terraform init</c> run as the job's user with the generated CLI configuration.
/// </summary>
public static class ProviderCacheJob
{
    public static async Task<InitOutcome> InitAsync(RunnerOptions options, ProviderCache cache, string configuration, string lockFile, CancellationToken ct)
    {
        await using var sandbox = JobSandbox.Create(options, null, new SecretMasker());
        var dir = Path.Combine(sandbox.CheckoutPath, "project");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "main.tf"), configuration);
        File.WriteAllText(Path.Combine(dir, ".terraform.lock.hcl"), lockFile);
        foreach (var path in new[] { sandbox.CheckoutPath, dir, Path.Combine(dir, "main.tf"), Path.Combine(dir, ".terraform.lock.hcl") })
            sandbox.Own(path);

        var locked = ProviderLockFile.Parse(lockFile);
        var prepared = await cache.PrepareAsync(RealTerraformBinary.Path, locked, Path.Combine(sandbox.Root, "terraform.tfrc"), ct);
        var environment = new Dictionary<string, string?>
        {
            ["TF_CLI_CONFIG_FILE"] = prepared.CliConfigPath,
            ["TF_IN_AUTOMATION"] = "1",
            ["TF_INPUT"] = "0",
            ["CHECKPOINT_DISABLE"] = "1",
        };
        var init = await sandbox.RunAsync(ChildPurpose.Terraform, RealTerraformBinary.Path, ["init", "-input=false", "-no-color"], dir,
            environment, TimeSpan.FromMinutes(3), ct);

        var installed = new Dictionary<string, string?>();
        var binaries = new Dictionary<string, byte[]?>();
        foreach (var provider in locked)
        {
            var folder = new DirectoryInfo(Path.Combine(dir, ".terraform", "providers", provider.Address.Host, provider.Address.Namespace,
                provider.Address.Type, provider.Version, ProviderCache.Platform));
            var key = provider.Address.ToString();
            installed[key] = folder.LinkTarget;
            var binary = Path.Combine(folder.FullName, $"terraform-provider-{provider.Address.Type}_v{provider.Version}");
            binaries[key] = File.Exists(binary) ? File.ReadAllBytes(binary) : null;
        }
        var lockAfter = File.ReadAllText(Path.Combine(dir, ".terraform.lock.hcl"));
        // The job ends here: it releases its hold on the cache entries, as the plan and apply handlers do.
        await prepared.DisposeAsync();
        return new InitOutcome(prepared, init.ExitCode, init.StandardOutput + init.StandardError, lockAfter == lockFile, installed, binaries);
    }
}
