using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Runner.Providers;

/// <summary>What one job gets from the cache: its CLI configuration and which providers it takes from the cache.</summary>
/// <param name="CliConfigPath">The generated CLI configuration (<c>TF_CLI_CONFIG_FILE</c>), outside the checkout.</param>
/// <param name="Notes">One line per provider not taken from the cache, saying why (for the job's log).</param>
/// <param name="Leases">The job's hold on the entries in <paramref name="Cached"/> (Terraform links them, so they must
/// stay until the job ends): disposing the result releases them.</param>
public sealed record ProviderCacheResult(string CliConfigPath, IReadOnlyList<LockedProvider> Cached, IReadOnlyList<string> Notes, IReadOnlyList<ProviderCacheLease> Leases)
    : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var lease in Leases) await lease.DisposeAsync();
    }
}

/// <summary>
/// The runner's shared provider cache, safe for parallel <c>terraform init</c>s of many jobs and several runner
/// processes on one folder. Terraform's own <c>plugin_cache_dir</c> is not: parallel inits write the same entries
/// in place and read each other's half-written packages, and fail with "the provider cache … doesn't match any of
/// the checksums recorded in the dependency lock file" (runatlantis/atlantis#2242, #2412; reproduced here: 8 of 320
/// inits failed, see README). Instead:
/// <list type="bullet">
/// <item>Only the runner writes the cache, a filesystem mirror in Terraform's unpacked layout
/// (<c>mirror/HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/</c>). A missing package is fetched by the runner itself
/// (<see cref="ProviderFetch"/>: <c>terraform init</c> in a scratch folder of its own, from the upstream, checked
/// against the project's lock-file hashes), under a lock per provider, version and platform
/// (<see cref="CacheEntryLock"/>), and moved into place by one atomic rename. Nothing is ever half there.</item>
/// <item>Jobs only read it: each job's <c>terraform init</c> gets a generated CLI configuration whose
/// <c>filesystem_mirror</c> names the cache for exactly the providers the runner found there with an <c>h1:</c>
/// hash the project's <c>.terraform.lock.hcl</c> lists, and the upstream (<c>direct</c>, or the operator's mirror)
/// for everything else. Terraform verifies the package against the lock file again when it installs it (a
/// symlink into the cache, so nothing is copied). A cached package whose hash the lock file does not list is never
/// offered: the runner fetches it again, and replaces the entry when the upstream's package differs (a damaged or
/// tampered entry).</item>
/// <item>Lock files are never bypassed or rewritten (no <c>-lockfile=readonly</c>, no added hashes). A provider the
/// lock file does not pin, or pins with <c>zh:</c> hashes only, is installed from the upstream as without the cache:
/// Terraform 1.11 does not check <c>zh:</c> (archive) hashes against an unpacked mirror entry at all, so offering
/// one there would skip the check.</item>
/// </list>
/// </summary>
public sealed class ProviderCache
{
    private static readonly ConcurrentDictionary<string, ProviderCache> PerFolder = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    // (entry, its hash, the lock file's h1 set) for which the upstream's package is the cached one and still not in
    // the lock file: fetching again would give the same answer, so this process does not.
    private readonly ConcurrentDictionary<string, byte> _knownMismatches = new(StringComparer.Ordinal);
    private readonly ProviderFetch _fetch;
    private int _fetches;
    private int _replacements;

    /// <param name="runAs">Who fetches when the runner is root (<see cref="RunnerOptions.RunAs"/>; default a fresh uid).</param>
    public ProviderCache(string root, string? upstream, TimeSpan fetchTimeout, IReadOnlyDictionary<string, string>? fetchEnvironment = null, string runAs = "job")
    {
        Root = Path.GetFullPath(root);
        Upstream = string.IsNullOrWhiteSpace(upstream) ? null : upstream.Trim();
        _fetch = new ProviderFetch(this, fetchTimeout, fetchEnvironment ?? new Dictionary<string, string>(), runAs);
    }

    /// <summary>The cache of this runner process for the options' folder (one per folder, so its jobs share the locks).</summary>
    public static ProviderCache For(RunnerOptions options) =>
        PerFolder.GetOrAdd(options.ProviderCacheDirectory, root => new ProviderCache(root, options.ProviderUpstream, options.InitTimeout, FetchEnvironment(options), options.RunAs));

    public string Root { get; }

    /// <summary>The filesystem mirror jobs read.</summary>
    public string MirrorPath => Path.Combine(Root, "mirror");

    public string? Upstream { get; }

    internal string StagingPath => Path.Combine(Root, "staging");

    /// <summary>Packages this instance fetched from the upstream (each fetch is one scratch <c>terraform init</c>).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Cache entries this instance replaced because they differed from the upstream's package.</summary>
    public int Replacements => Volatile.Read(ref _replacements);

    /// <summary>The platform of this runner in Terraform's naming (<c>linux_amd64</c>).</summary>
    public static string Platform { get; } = PlatformName();

    /// <summary>The folder of one package in the mirror.</summary>
    public string EntryPath(LockedProvider provider) =>
        Path.Combine(MirrorPath, provider.Address.Host, provider.Address.Namespace, provider.Address.Type, provider.Version, Platform);

    /// <summary>
    /// Makes sure every provider of <paramref name="locked"/> that can be served from the cache is in it, and writes
    /// the job's CLI configuration to <paramref name="cliConfigPath"/> (a file in the job's own folder, outside the
    /// checkout).
    /// </summary>
    /// <param name="executable">The job's Terraform or OpenTofu; the runner fetches missing packages with it.</param>
    public async Task<ProviderCacheResult> PrepareAsync(string executable, IReadOnlyList<LockedProvider> locked, string cliConfigPath, CancellationToken ct)
    {
        Prepare();
        var leases = new ProviderCacheLease?[locked.Count];
        try
        {
            var decisions = await Task.WhenAll(locked.Select(async (p, i) =>
            {
                // Held from before the entry is checked until the job ends, so the trim never deletes what a job links.
                var lease = await ProviderCacheLease.AcquireAsync(UseFilePath(p), ct);
                if (lease is null) return $"{p.Address} {p.Version}: from the upstream, not the cache: its entry stayed locked for deletion.";
                var decision = await EnsureAsync(executable, p, ct);
                if (decision is null) leases[i] = lease;
                else await lease.DisposeAsync();
                return decision;
            }));
            var cached = locked.Where((_, i) => decisions[i] is null).ToList();
            var notes = decisions.Where(d => d is not null).Select(d => d!).ToList();
            await File.WriteAllTextAsync(cliConfigPath, ProviderCliConfig.Render(MirrorPath, cached.Select(p => p.Address).ToList(), Upstream), ct);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(cliConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            return new ProviderCacheResult(cliConfigPath, cached, notes, leases.Where(l => l is not null).Select(l => l!).ToList());
        }
        catch
        {
            foreach (var lease in leases) if (lease is not null) await lease.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Deletes the least recently used entries no job is using until the cache fits <paramref name="maxBytes"/>
    /// (see <see cref="ProviderCacheEviction"/>); null = unbounded, nothing is deleted.
    /// </summary>
    /// <returns>The entry folders deleted.</returns>
    public Task<IReadOnlyList<string>> TrimAsync(long? maxBytes, CancellationToken ct) =>
        maxBytes is { } bound ? ProviderCacheEviction.TrimAsync(this, bound, ct) : Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Null when the job may take <paramref name="provider"/> from the cache; otherwise why not.</summary>
    private async Task<string?> EnsureAsync(string executable, LockedProvider provider, CancellationToken ct)
    {
        var name = $"{provider.Address} {provider.Version}";
        var allowed = provider.H1Hashes.ToHashSet(StringComparer.Ordinal);
        if (allowed.Count == 0)
            return $"{name}: from the upstream, not the cache: the lock file has no h1: hash for it (only zh:), which Terraform cannot check against a cached copy. `terraform providers lock -platform={Platform}` adds one.";

        var entry = EntryPath(provider);
        var current = HashOf(entry, ct);
        if (current is not null && allowed.Contains(current)) return null;
        var mismatchKey = $"{entry}\n{current}\n{string.Join(',', allowed.Order(StringComparer.Ordinal))}";
        if (current is not null && _knownMismatches.ContainsKey(mismatchKey)) return NotInLockFile(name);

        await using var held = await CacheEntryLock.AcquireAsync(_locks, LockPath(provider), ct);
        // Another job (or runner) may have filled or repaired the entry while this one waited.
        current = HashOf(entry, ct);
        if (current is not null && allowed.Contains(current)) return null;

        Interlocked.Increment(ref _fetches);
        var fetched = await _fetch.FetchAsync(executable, provider, ct);
        if (fetched.Problem is not null)
            return $"{name}: from the upstream, not the cache: the runner could not fetch it into the cache: {fetched.Problem}";
        var replaced = false;
        try
        {
            var fresh = fetched.Hash!;
            if (current != fresh)
            {
                replaced = current is not null || Directory.Exists(entry);
                Install(fetched.PackagePath!, entry);
                if (replaced) Interlocked.Increment(ref _replacements);
            }
            if (allowed.Contains(fresh))
                return null;
            _knownMismatches.TryAdd($"{entry}\n{fresh}\n{string.Join(',', allowed.Order(StringComparer.Ordinal))}", 0);
            return NotInLockFile(name);
        }
        finally
        {
            ProviderFetch.DeleteQuietly(fetched.ScratchPath);
        }
    }

    private static string NotInLockFile(string name) =>
        $"{name}: from the upstream, not the cache: none of the lock file's h1: hashes is that of the package for {Platform} (the lock file was made on other platforms only; `terraform providers lock -platform={Platform}` adds it).";

    /// <summary>The entry's hash, or null when it is missing, being replaced right now, or holds something odd.</summary>
    private static string? HashOf(string entry, CancellationToken ct)
    {
        try
        {
            return ProviderPackageHash.H1(entry, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Moves a complete package folder into place with one rename; an entry already there is moved aside first.</summary>
    private void Install(string package, string entry)
    {
        var parent = Path.GetDirectoryName(entry)!;
        CreateReadable(parent);
        if (Directory.Exists(entry) || File.Exists(entry))
        {
            var trash = Path.Combine(Root, "trash", Guid.NewGuid().ToString("N"));
            Directory.Move(entry, trash);
            ProviderFetch.DeleteQuietly(trash);
        }
        Directory.Move(package, entry);
    }

    /// <summary>Creates the mirror's folders readable and traversable by the jobs' users, who only read them.</summary>
    private void CreateReadable(string directory)
    {
        var missing = new Stack<string>();
        for (var dir = directory; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!) missing.Push(dir);
        while (missing.TryPop(out var dir))
        {
            Directory.CreateDirectory(dir);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, ProviderFetch.ReadableDirectory);
        }
    }

    /// <summary>Creates the cache's folders (each with its mode) where missing.</summary>
    internal void Prepare()
    {
        CreateReadable(Root);
        CreateReadable(MirrorPath);
        foreach (var dir in new[] { StagingPath, Path.Combine(Root, "locks"), Path.Combine(Root, "trash") })
        {
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
            // The runner's own: jobs have no business in half-fetched packages or lock files. Staging may be passed
            // through (not listed) by the fetch's own uid, to reach its 0700 scratch folder.
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            if (dir == StagingPath) mode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, mode);
        }
    }

    private string LockPath(LockedProvider provider) => KeyFile(provider.Address.ToString(), provider.Version, Platform, ".lock");

    /// <summary>
    /// The entry's use file: held shared by every job that may link the entry (see <see cref="ProviderCacheLease"/>),
    /// its modification time is when a job last used it; the trim takes it exclusively.
    /// </summary>
    public string UseFilePath(LockedProvider provider) => KeyFile(provider.Address.ToString(), provider.Version, Platform, ".use");

    /// <summary>
    /// The per-entry file in <c>locks/</c> for the mirror entry <c>HOST/NAMESPACE/TYPE/VERSION/OS_ARCH</c>
    /// (<paramref name="address"/> is <c>HOST/NAMESPACE/TYPE</c>), so the trim finds an entry's files from its folder.
    /// </summary>
    internal string KeyFile(string address, string version, string platform, string extension)
    {
        var key = $"{address}\n{version}\n{platform}";
        return Path.Combine(Root, "locks", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + extension);
    }

    /// <summary>What a fetch may use of the operator's Terraform environment: registry tokens and proxies, nothing else.</summary>
    private static Dictionary<string, string> FetchEnvironment(RunnerOptions options) =>
        options.Environment
            .Where(e => e.Key.StartsWith("TF_TOKEN_", StringComparison.Ordinal)
                || e.Key.ToUpperInvariant() is "HTTPS_PROXY" or "HTTP_PROXY" or "NO_PROXY" or "SSL_CERT_FILE" or "SSL_CERT_DIR")
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private static string PlatformName()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsFreeBSD() ? "freebsd" : "unknown";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}_{arch}";
    }
}
