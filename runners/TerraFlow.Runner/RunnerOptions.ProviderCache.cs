namespace TerraFlow.Runner;

public sealed partial class RunnerOptions
{
    /// <summary>
    /// The runner's shared provider cache (env <c>TerraFlow__Runner__ProviderCache</c>): <c>true</c> (default) or
    /// <c>false</c>. See <c>Providers/README.md</c>.
    /// </summary>
    public bool ProviderCache { get; set; } = true;

    /// <summary>
    /// Where the shared provider cache lives (env <c>TerraFlow__Runner__ProviderCacheDir</c>); default
    /// <c>&lt;WorkDirectory&gt;/providers</c>. Several runner processes may share it (a volume): population is locked
    /// per provider, version and platform with a file lock, and entries appear by an atomic rename. Every folder above
    /// it must be traversable (<c>o+x</c>) by the jobs' users, who only read it.
    /// </summary>
    public string? ProviderCacheDir { get; set; }

    /// <summary>
    /// Where providers come from when they are not in the cache (env <c>TerraFlow__Runner__ProviderUpstream</c>):
    /// empty (default) = each provider's origin registry (<c>direct {}</c>), an <c>https://</c> URL = a provider
    /// network mirror, an absolute path = a filesystem mirror (packed or unpacked layout). Both the runner filling
    /// its cache and the jobs' own installs of uncached providers use it.
    /// </summary>
    public string? ProviderUpstream { get; set; }

    /// <summary>
    /// Upper bound of the provider cache's packages together (env <c>TerraFlow__Runner__ProviderCacheMaxMegabytes</c>);
    /// default 10240, 0 (or less) = unbounded. After each job's provider step the least recently used packages no job
    /// is using are deleted until the rest fit; a deleted package is simply fetched again when a job needs it.
    /// </summary>
    public long ProviderCacheMaxMegabytes { get; set; } = 10_240;

    /// <summary>The bound in bytes, or null when the cache is unbounded (see <see cref="ProviderCacheMaxMegabytes"/>).</summary>
    public long? ProviderCacheMaxBytes => ProviderCacheMaxMegabytes > 0 ? ProviderCacheMaxMegabytes * 1024 * 1024 : null;

    /// <summary>The cache folder in effect (see <see cref="ProviderCacheDir"/>).</summary>
    public string ProviderCacheDirectory =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(ProviderCacheDir) ? Path.Combine(WorkDirectory, "providers") : ProviderCacheDir);
}
