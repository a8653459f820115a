using TerraFlow.Core.Projects;
using TerraFlow.Runner.Providers;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// Before a job's first Terraform command: reads the project's <c>.terraform.lock.hcl</c> (through
/// <see cref="CheckoutFiles"/>: inside the checkout, bounded), lets the runner's <see cref="ProviderCache"/> fill
/// what is missing, and points every Terraform command of the job at the generated CLI configuration
/// (<c>TF_CLI_CONFIG_FILE</c>, in the job's folder outside the checkout). The cache never fails a job: when it
/// cannot help, the job installs providers as it would without it, and the log says why.
/// </summary>
internal static class ProviderCacheStep
{
    private const string LockFileName = ".terraform.lock.hcl";

    /// <summary>Names that mean the operator configured provider installation for jobs already; the cache stays out of the way.</summary>
    private static readonly string[] OperatorSettings = ["TF_CLI_CONFIG_FILE", "TOFU_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE"];

    /// <returns>The job's hold on the cache entries it uses (null when it uses none): dispose it when the job ends.</returns>
    public static async Task<IAsyncDisposable?> UseAsync(RunnerOptions options, TerraformSteps steps, EngineChoice engine, JobSandbox sandbox,
        string checkoutRoot, string projectDir, bool untrusted, CancellationToken ct)
    {
        if (!options.ProviderCache) return null;
        if (untrusted)
        {
            // A fork's restricted plan gets nothing the operator's setup provides: a cached package may have been
            // fetched with the operator's registry tokens (a private provider) for a trusted job.
            steps.Note("(provider cache not used: untrusted job)");
            return null;
        }
        var environment = sandbox.EnvironmentFor(ChildPurpose.Terraform).Variables;
        if (OperatorSettings.FirstOrDefault(environment.ContainsKey) is { } configured)
        {
            steps.Note($"(provider cache not used: the operator sets {configured} for Terraform)");
            return null;
        }
        if (ProviderCliConfig.Problem(options.ProviderUpstream) is { } problem)
        {
            steps.Note($"(provider cache not used: {problem})");
            return null;
        }
        IReadOnlyList<LockedProvider> locked = [];
        try
        {
            var text = new CheckoutFiles(checkoutRoot).ReadText(Path.Combine(projectDir, LockFileName), ProviderLockFile.MaxBytes);
            locked = ProviderLockFile.Parse(text);
        }
        catch (FileNotFoundException)
        {
            // No lock file: every provider comes from the upstream, as without the cache (the CLI configuration still
            // names the operator's upstream).
        }
        catch (RepositoryFileRefusedException ex)
        {
            steps.Note($"(provider cache not used for {LockFileName}: {ex.Reason})");
        }
        try
        {
            var cache = ProviderCache.For(options);
            var result = await cache.PrepareAsync(engine.Executable, locked, Path.Combine(sandbox.Root, "terraform.tfrc"), ct);
            // Trimmed with this job's entries held, so it never deletes what the job is about to link.
            IReadOnlyList<string> trimmed;
            try
            {
                trimmed = await cache.TrimAsync(options.ProviderCacheMaxBytes, ct);
            }
            catch
            {
                await result.DisposeAsync();
                throw;
            }
            if (trimmed.Count > 0) steps.Note($"(provider cache: {trimmed.Count} least recently used package(s) deleted to stay under {options.ProviderCacheMaxMegabytes} MB)");
            steps.Variables["TF_CLI_CONFIG_FILE"] = result.CliConfigPath;
            // OpenTofu documents TF_CLI_CONFIG_FILE as well; TOFU_CLI_CONFIG_FILE is set too, to the same file, in case a release reads that first.
            if (engine.Engine == Core.Projects.ProjectEngines.Tofu) steps.Variables["TOFU_CLI_CONFIG_FILE"] = result.CliConfigPath;
            if (result.Cached.Count > 0)
                steps.Note($"(provider cache: {string.Join(", ", result.Cached.Select(p => $"{p.Address} {p.Version}"))} from the runner's cache, checked against {LockFileName})");
            foreach (var note in result.Notes) steps.Note($"(provider cache: {note})");
            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            steps.Note($"(provider cache not used: {ex.Message})");
            return null;
        }
    }
}
