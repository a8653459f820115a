using TerraFlow.Runner;
using TerraFlow.Runner.Providers;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>
/// The provider cache's size bound on a real folder: whole entries go, least recently used first, never one a job
/// holds (the same <c>flock</c> a job's lease takes, so also never one another runner process is using).
/// </summary>
public sealed class ProviderCacheEvictionTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tf-provbound-" + Guid.NewGuid().ToString("N"));
    private readonly ProviderCache _cache;

    public ProviderCacheEvictionTests()
    {
        _cache = new ProviderCache(_root, null, TimeSpan.FromMinutes(1));
        Directory.CreateDirectory(Path.Combine(_root, "locks")); // the use files are written before the first trim
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException) { }
    }

    [Fact]
    public async Task Deletes_least_recently_used_entries_until_the_rest_fit()
    {
        // Created in another order than used, so the order comes from the use files, not from the folders.
        var b = Entry("b", hoursAgo: 3);
        var d = Entry("d", hoursAgo: 1);
        var a = Entry("a", hoursAgo: 4);
        var c = Entry("c", hoursAgo: 2);

        var deleted = await _cache.TrimAsync(5 * MiB / 2, CancellationToken.None);

        Assert.Equal([_cache.EntryPath(a), _cache.EntryPath(b)], deleted);
        Assert.False(Directory.Exists(_cache.EntryPath(a)));
        Assert.False(Directory.Exists(_cache.EntryPath(b)));
        Assert.True(Directory.Exists(_cache.EntryPath(c)));
        Assert.True(Directory.Exists(_cache.EntryPath(d)));
        Assert.True(MirrorBytes() <= 5 * MiB / 2, $"{MirrorBytes()} bytes left");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "trash")));
        // Under the bound now: a second trim keeps everything.
        Assert.Empty(await _cache.TrimAsync(5 * MiB / 2, CancellationToken.None));
    }

    [Fact]
    public async Task Never_deletes_an_entry_a_job_holds()
    {
        var a = Entry("a", hoursAgo: 4);
        var b = Entry("b", hoursAgo: 3);
        var c = Entry("c", hoursAgo: 2);
        var d = Entry("d", hoursAgo: 1);
        var lease = await ProviderCacheLease.AcquireAsync(_cache.UseFilePath(a), CancellationToken.None);
        Assert.NotNull(lease);
        File.SetLastWriteTimeUtc(_cache.UseFilePath(a), DateTime.UtcNow.AddHours(-4)); // still the oldest

        var deleted = await _cache.TrimAsync(5 * MiB / 2, CancellationToken.None);

        Assert.True(Directory.Exists(_cache.EntryPath(a)));
        Assert.Equal([_cache.EntryPath(b), _cache.EntryPath(c)], deleted);
        Assert.True(Directory.Exists(_cache.EntryPath(d)));

        // Released: the release marks it used just now, so the next trim takes the older one.
        await lease.DisposeAsync();
        Assert.Equal([_cache.EntryPath(d)], await _cache.TrimAsync(3 * MiB / 2, CancellationToken.None));
        Assert.True(Directory.Exists(_cache.EntryPath(a)));
    }

    [Fact]
    public async Task Zero_means_unbounded()
    {
        var options = new RunnerOptions { ProviderCacheMaxMegabytes = 0 };
        var a = Entry("a", hoursAgo: 2);
        var b = Entry("b", hoursAgo: 1);

        Assert.Null(options.ProviderCacheMaxBytes);
        Assert.Empty(await _cache.TrimAsync(options.ProviderCacheMaxBytes, CancellationToken.None));
        Assert.True(Directory.Exists(_cache.EntryPath(a)));
        Assert.True(Directory.Exists(_cache.EntryPath(b)));

        // The same entries with a 1 MB bound: the trim does delete, so the assertions above can fail.
        options.ProviderCacheMaxMegabytes = 1;
        Assert.Equal([_cache.EntryPath(a)], await _cache.TrimAsync(options.ProviderCacheMaxBytes, CancellationToken.None));
    }

    /// <summary>A 1 MiB cache entry of provider <c>example.com/acme/&lt;type&gt;</c> last used that long ago.</summary>
    private LockedProvider Entry(string type, int hoursAgo)
    {
        var provider = new LockedProvider(new ProviderAddress("example.com", "acme", type), "1.0.0", []);
        var dir = _cache.EntryPath(provider);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, $"terraform-provider-{type}_v1.0.0"), new byte[MiB]);
        var use = _cache.UseFilePath(provider);
        File.WriteAllBytes(use, []);
        File.SetLastWriteTimeUtc(use, DateTime.UtcNow.AddHours(-hoursAgo));
        return provider;
    }

    private long MirrorBytes() =>
        new DirectoryInfo(_cache.MirrorPath).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
