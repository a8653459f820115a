using System.Diagnostics;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.RealTerraform;
using TerraFlow.Runner;
using TerraFlow.Runner.Providers;
using Xunit.Abstractions;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>
/// Issue 18's "done means" for providers: 16 parallel <c>terraform init</c>s (the real binary, each as its own job
/// user) share one provider cache, filled from a local filesystem mirror standing in for the registry, without a
/// single cache or lock-file error, over 20 repetitions. Each repetition starts from an empty cache, so every one
/// races to fill it; the 16 jobs go through two <see cref="ProviderCache"/> instances on the same folder, which
/// share nothing in memory, so they meet only at the file lock, like two runner processes on one volume.
/// (Terraform's own shared <c>plugin_cache_dir</c> fails this: 8 of 320 inits, see runners/TerraFlow.Runner/Providers/README.md.)
/// </summary>
public sealed class ProviderCacheParallelInitTests(ITestOutputHelper output) : IDisposable
{
    private const int Jobs = 16;
    private const int Repetitions = 20;

    private readonly string _scratch = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-provcache-" + Guid.NewGuid().ToString("N")[..10]));

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Sixteen_parallel_inits_share_one_cache_without_a_cache_or_lock_file_error_over_twenty_repetitions()
    {
        var registry = new FakeProviderRegistry(Path.Combine(_scratch, "registry"));
        registry.Add("alpha", "1.0.0");
        registry.Add("alpha", "2.0.0");
        registry.Add("beta", "3.1.0");
        // Four projects: two versions of one provider, and a provider every project shares.
        var configurations = new[]
        {
            FakeProviderRegistry.Configuration(("alpha", "1.0.0"), ("beta", "3.1.0")),
            FakeProviderRegistry.Configuration(("alpha", "2.0.0"), ("beta", "3.1.0")),
            FakeProviderRegistry.Configuration(("alpha", "1.0.0")),
            FakeProviderRegistry.Configuration(("beta", "3.1.0")),
        };
        var lockFiles = configurations.Select(registry.LockFile).ToArray();
        var options = new RunnerOptions { TerraformPath = RealTerraformBinary.Path, WorkDirectory = Path.Combine(_scratch, "work") };

        var failures = new List<string>();
        var inits = 0;
        var clock = Stopwatch.StartNew();
        for (var repetition = 1; repetition <= Repetitions; repetition++)
        {
            var root = Path.Combine(options.WorkDirectory, $"providers-{repetition}");
            ProviderCache[] caches =
            [
                new(root, registry.Root, TimeSpan.FromMinutes(2)),
                new(root, registry.Root, TimeSpan.FromMinutes(2)),
            ];
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(job =>
                ProviderCacheJob.InitAsync(options, caches[job % 2], configurations[job % 4], lockFiles[job % 4], CancellationToken.None)));
            inits += outcomes.Length;

            for (var job = 0; job < Jobs; job++)
            {
                var outcome = outcomes[job];
                var where = $"repetition {repetition}, job {job}";
                if (outcome.ExitCode != 0 || outcome.Output.Contains("Error", StringComparison.Ordinal))
                    failures.Add($"{where}: init exit {outcome.ExitCode}:\n{outcome.Output}");
                if (!outcome.LockFileUnchanged)
                    failures.Add($"{where}: terraform init changed the lock file");
                if (outcome.Prepared.Notes.Count > 0)
                    failures.Add($"{where}: not everything came from the cache: {string.Join(" | ", outcome.Prepared.Notes)}");
                foreach (var (provider, target) in outcome.Installed)
                    if (target is null || !target.StartsWith(caches[0].MirrorPath + "/", StringComparison.Ordinal))
                        failures.Add($"{where}: {provider} was installed from {target ?? "(a folder of its own)"}, not the cache");
            }
            // Three packages, each fetched once for the 16 jobs of both "runners".
            var fetches = caches.Sum(c => c.Fetches);
            if (fetches != 3) failures.Add($"repetition {repetition}: {fetches} fetches into the cache, not 3");
            var leftovers = Directory.GetFileSystemEntries(Path.Combine(root, "staging")).Concat(Directory.GetFileSystemEntries(Path.Combine(root, "trash"))).ToList();
            if (leftovers.Count > 0) failures.Add($"repetition {repetition}: staging or trash not empty: {string.Join(", ", leftovers)}");
        }
        clock.Stop();
        output.WriteLine($"{inits} terraform inits ({Repetitions} × {Jobs} in parallel) with the shared provider cache: {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} problems in {inits} inits:\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(Jobs * Repetitions, inits);
    }
}
