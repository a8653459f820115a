using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.RealTerraform;
using TerraFlow.Runner;
using TerraFlow.Runner.Providers;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>
/// The cache never hands a job a package its lock file does not vouch for: a damaged or tampered cache entry is
/// refused and fetched again, a lock file nothing matches fails <c>init</c> with Terraform's checksum error, and a
/// lock file with only <c>zh:</c> hashes (which Terraform does not check against an unpacked mirror entry) is not
/// served from the cache at all. Real <c>terraform</c>, jobs as their own users.
/// </summary>
public sealed class ProviderCacheChecksumTests : IDisposable
{
    private readonly string _scratch = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-provsum-" + Guid.NewGuid().ToString("N")[..10]));
    private readonly FakeProviderRegistry _registry;
    private readonly byte[] _genuine;
    private readonly RunnerOptions _options;
    private readonly string _configuration = FakeProviderRegistry.Configuration(("alpha", "1.0.0"));
    private readonly string _lockFile;

    public ProviderCacheChecksumTests()
    {
        _registry = new FakeProviderRegistry(Path.Combine(_scratch, "registry"));
        _genuine = _registry.Add("alpha", "1.0.0");
        _options = new RunnerOptions { TerraformPath = RealTerraformBinary.Path, WorkDirectory = Path.Combine(_scratch, "work") };
        _lockFile = _registry.LockFile(_configuration);
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    private ProviderCache NewCache() => new(Path.Combine(_options.WorkDirectory, "providers"), _registry.Root, TimeSpan.FromMinutes(2));

    private static string Alpha => FakeProviderRegistry.Address("alpha");

    /// <summary>Fills the cache through one job, then replaces the cached binary with other bytes; returns them.</summary>
    private async Task<byte[]> PoisonedCacheAsync()
    {
        var cache = NewCache();
        var first = await ProviderCacheJob.InitAsync(_options, cache, _configuration, _lockFile, CancellationToken.None);
        Assert.True(first.ExitCode == 0, first.Output);
        var binary = Path.Combine(cache.EntryPath(ProviderLockFile.Parse(_lockFile).Single()), "terraform-provider-alpha_v1.0.0");
        var poisoned = "#!/bin/sh\necho 'not the provider the lock file names'\n"u8.ToArray();
        File.WriteAllBytes(binary, poisoned);
        return poisoned;
    }

    [Fact]
    public async Task A_cached_package_whose_hash_the_lock_file_does_not_list_is_refused_fetched_again_and_replaced()
    {
        var poisoned = await PoisonedCacheAsync();
        // A fresh instance (another runner process, or this one after a restart) knows nothing of the entry.
        var cache = NewCache();

        var outcome = await ProviderCacheJob.InitAsync(_options, cache, _configuration, _lockFile, CancellationToken.None);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(1, cache.Fetches);
        Assert.Equal(1, cache.Replacements);
        Assert.Equal(_genuine, outcome.InstalledBinary[Alpha]);
        Assert.NotEqual(poisoned, outcome.InstalledBinary[Alpha]);
        Assert.StartsWith(cache.MirrorPath + "/", outcome.Installed[Alpha]);
        Assert.True(outcome.LockFileUnchanged);
        Assert.Equal(_genuine, File.ReadAllBytes(Path.Combine(cache.EntryPath(ProviderLockFile.Parse(_lockFile).Single()), "terraform-provider-alpha_v1.0.0")));
    }

    [Fact]
    public async Task A_lock_file_no_package_matches_fails_init_with_the_checksum_error_and_the_cached_package_is_not_used()
    {
        var poisoned = await PoisonedCacheAsync();
        var cache = NewCache();
        // The h1: of other content: neither the cached package nor the upstream's matches it.
        var wrong = _lockFile.Replace(ProviderLockFile.Parse(_lockFile).Single().H1Hashes.Single(), "h1:" + Convert.ToBase64String(new byte[32]), StringComparison.Ordinal);

        var outcome = await ProviderCacheJob.InitAsync(_options, cache, _configuration, wrong, CancellationToken.None);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("doesn't match any of the checksums", outcome.Output.Replace("\n", " ", StringComparison.Ordinal));
        Assert.Empty(outcome.Prepared.Cached);
        Assert.Contains(outcome.Prepared.Notes, n => n.Contains("could not fetch it into the cache", StringComparison.Ordinal));
        Assert.Null(outcome.InstalledBinary[Alpha]);
        Assert.NotEqual(poisoned, outcome.InstalledBinary[Alpha]);
    }

    [Fact]
    public async Task Terraform_itself_refuses_a_mirror_entry_whose_h1_the_lock_file_does_not_list()
    {
        // The second line of defence, without the runner's check: a CLI configuration that points straight at the
        // tampered entry.
        await PoisonedCacheAsync();
        var cache = NewCache();
        var mirrorOnly = Path.Combine(_scratch, "mirror-only.tfrc");
        File.WriteAllText(mirrorOnly, ProviderCliConfig.Render(cache.MirrorPath, [ProviderLockFile.ParseAddress(Alpha)!], "/nonexistent-upstream"));
        var dir = Directory.CreateDirectory(Path.Combine(_scratch, "direct")).FullName;
        File.WriteAllText(Path.Combine(dir, "main.tf"), _configuration);
        File.WriteAllText(Path.Combine(dir, ".terraform.lock.hcl"), _lockFile);

        var (exit, text) = await RunTerraformAsync(dir, mirrorOnly);

        Assert.NotEqual(0, exit);
        Assert.Contains("doesn't match any of the checksums", text.Replace("\n", " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lock_file_with_only_zh_hashes_is_not_served_from_the_cache_because_terraform_would_not_check_it()
    {
        var poisoned = await PoisonedCacheAsync();
        var zhOnly = $"provider \"{Alpha}\" {{\n  version     = \"1.0.0\"\n  constraints = \"1.0.0\"\n  hashes = [\n    \"{_registry.ZipHash("alpha", "1.0.0")}\",\n  ]\n}}\n";

        // What Terraform 1.11 does when a mirror entry meets a zh:-only lock file: it installs it unchecked. This is
        // why the runner never offers the cache to such a provider.
        var cache = NewCache();
        var mirrorOnly = Path.Combine(_scratch, "mirror-only.tfrc");
        File.WriteAllText(mirrorOnly, ProviderCliConfig.Render(cache.MirrorPath, [ProviderLockFile.ParseAddress(Alpha)!], "/nonexistent-upstream"));
        var dir = Directory.CreateDirectory(Path.Combine(_scratch, "zh-direct")).FullName;
        File.WriteAllText(Path.Combine(dir, "main.tf"), _configuration);
        File.WriteAllText(Path.Combine(dir, ".terraform.lock.hcl"), zhOnly);
        var (exit, text) = await RunTerraformAsync(dir, mirrorOnly);
        Assert.True(exit == 0, "Terraform now refuses an unpacked mirror entry against a zh:-only lock file (it did not in 1.11.4); "
            + "the runner could then serve such lock files from the cache. Output:\n" + text);

        var outcome = await ProviderCacheJob.InitAsync(_options, cache, _configuration, zhOnly, CancellationToken.None);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Empty(outcome.Prepared.Cached);
        Assert.Contains(outcome.Prepared.Notes, n => n.Contains("no h1: hash", StringComparison.Ordinal));
        Assert.Null(outcome.Installed[Alpha]);
        Assert.Equal(_genuine, outcome.InstalledBinary[Alpha]);
        Assert.NotEqual(poisoned, outcome.InstalledBinary[Alpha]);
    }

    private static async Task<(int ExitCode, string Output)> RunTerraformAsync(string dir, string cliConfig)
    {
        var result = await TerraFlow.Runner.Processes.ProcessRunner.RunAsync(RealTerraformBinary.Path, ["init", "-input=false", "-no-color"], dir,
            new Dictionary<string, string?>
            {
                ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
                ["HOME"] = dir,
                ["TF_CLI_CONFIG_FILE"] = cliConfig,
                ["CHECKPOINT_DISABLE"] = "1",
            }, TimeSpan.FromMinutes(2), CancellationToken.None);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
