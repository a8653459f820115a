using System.Security.Cryptography;
using System.Text;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Workspace.Mirrors;

/// <summary>
/// One job's lease on the runner's bare mirror of a repository (<c>&lt;GitCacheDir&gt;/&lt;key&gt;.git</c>, key = SHA-256
/// of the clone URL): the mirror is fetched into (only the commits the job names), read (diff, ls-tree, cat-file) and
/// checked out from, always by the runner's own user; a job's children never see it (the cache folder is 0700).
/// <list type="bullet">
/// <item><b>Locks</b> (<see cref="FileLock"/>, flock per open file, so jobs of one process and runner processes sharing
/// the folder are treated alike): <c>&lt;key&gt;.use</c> shared while a job holds the lease, exclusive to delete the mirror
/// (eviction, rebuild); <c>&lt;key&gt;.write</c> exclusive around creating and fetching. Readers need no more: git
/// writes packs and refs atomically.</item>
/// <item><b>Credentials</b>: the header travels in <c>GIT_CONFIG_*</c> environment variables of the fetch only (as in
/// <see cref="GitWorkspace"/>); the mirror's config names no remote and holds no header, the URL is given per fetch.</item>
/// <item><b>Corruption</b>: a fetch or checkout that fails with a corruption-class error (or after which
/// <c>git fsck --connectivity-only</c> fails) deletes the mirror and fetches again, once per lease.</item>
/// <item><b>Maintenance</b>: when the lease ends and no other job holds the mirror, old refs are pruned and packs
/// merged (<see cref="GitMirrorMaintenance"/>); a commit whose objects went is fetched again by the next job.</item>
/// </list>
/// </summary>
public sealed class GitMirror : IAsyncDisposable
{
    /// <summary>Ref namespace of fetched commits: keeps them from being pruned and gives later fetches "haves".</summary>
    public const string RefPrefix = "refs/terraflow/";

    private const string CreatedMarker = "terraflow-created";

    private readonly RunnerOptions _options;
    private readonly SecretMasker _masker;
    private readonly string _cloneUrl;
    private readonly string? _authHeader;
    private readonly string _cache;
    private readonly string _key;
    private FileLock? _use;
    private string? _generation;
    private bool _rebuilt;

    private GitMirror(RunnerOptions options, SecretMasker masker, string cloneUrl, string? authHeader, string cache, string key, FileLock use)
    {
        _options = options;
        _masker = masker;
        _cloneUrl = cloneUrl;
        _authHeader = authHeader;
        _cache = cache;
        _key = key;
        _use = use;
        _generation = ReadGeneration();
    }

    /// <summary>The bare repository.</summary>
    public string GitDir => Path.Combine(_cache, _key + ".git");

    /// <summary>Whether this lease deleted a damaged mirror and fetched it again.</summary>
    public bool Rebuilt => _rebuilt;

    /// <summary>Takes a shared lease on the mirror of <paramref name="cloneUrl"/> (creating nothing yet).</summary>
    public static async Task<GitMirror> LeaseAsync(RunnerOptions options, string cloneUrl, string? authHeader, SecretMasker masker, CancellationToken ct)
    {
        var cache = GitCacheFolder.Prepare(options);
        GitCacheFolder.SweepStaging(cache, options.CloneTimeout * 3);
        var key = Key(cloneUrl);
        var use = await FileLock.AcquireAsync(Path.Combine(cache, key + ".use"), exclusive: false, options.CloneTimeout, ct)
            ?? throw new WorkspaceException($"The runner's mirror of this repository stayed locked for {options.CloneTimeout} (it is being rebuilt or evicted); try again.");
        FileLock.MarkUsed(Path.Combine(cache, key + ".use"));
        return new GitMirror(options, masker, cloneUrl, authHeader, cache, key, use);
    }

    /// <summary>The mirror's file name for a clone URL: no URL text on disk, one mirror per URL.</summary>
    public static string Key(string cloneUrl) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cloneUrl)))[..32];

    /// <summary>
    /// Makes sure the commits are in the mirror, fetching them by SHA (each into <c>refs/terraflow/&lt;sha&gt;</c>) from
    /// the clone URL with the job's credential. A commit the mirror already has is not transferred again: git skips the
    /// connection when every wanted object is present (the job still got its clone token from the host's API).
    /// </summary>
    public async Task EnsureCommitsAsync(IReadOnlyList<string> shas, CancellationToken ct)
    {
        foreach (var sha in shas)
            if (!IsHexSha(sha)) throw new WorkspaceException($"'{sha}' is not a commit SHA.");
        WorkspaceException failure;
        try
        {
            await FetchAsync(shas, ct);
            return;
        }
        catch (WorkspaceException ex) when (!_rebuilt)
        {
            failure = ex;
        }
        if (!await IsBrokenAsync(failure, ct)) throw failure;
        await RebuildAsync(ct);
        await FetchAsync(shas, ct);
    }

    /// <summary>
    /// Writes the tree of <paramref name="sha"/> (already fetched) into <paramref name="destination"/>, which must not
    /// exist: first into a folder of the cache only the runner can reach, then handed to <paramref name="owner"/> (lchown,
    /// never following a link) and moved into place, so no job process can race the writes.
    /// </summary>
    public async Task CheckoutAsync(string sha, string destination, JobUser? owner, CancellationToken ct)
    {
        WorkspaceException failure;
        try
        {
            await CheckoutOnceAsync(sha, destination, owner, ct);
            return;
        }
        catch (WorkspaceException ex) when (!_rebuilt)
        {
            failure = ex;
        }
        if (!await IsBrokenAsync(failure, ct)) throw failure;
        await RebuildAsync(ct);
        await FetchAsync([sha], ct);
        await CheckoutOnceAsync(sha, destination, owner, ct);
    }

    private async Task CheckoutOnceAsync(string sha, string destination, JobUser? owner, CancellationToken ct)
    {
        var staging = Path.Combine(_cache, ".staging", Guid.NewGuid().ToString("N"));
        var index = staging + ".index";
        try
        {
            Directory.CreateDirectory(staging);
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = index };
            // read-tree refuses index entries with unsafe paths (.., .git); checkout-index never writes through a symlink.
            RefuseDamage(await GitAsync(ct, env, "--work-tree=" + staging, "read-tree", sha + "^{tree}"), "read-tree");
            RefuseDamage(await GitAsync(ct, env, "--work-tree=" + staging, "checkout-index", "--all", "--force"), "checkout-index");
            if (owner is not null) GitCacheFolder.OwnTree(staging, owner);
            Directory.Move(staging, destination);
        }
        catch (IOException ex)
        {
            throw new WorkspaceException($"The checkout could not be moved from the git cache into the job's folder ({ex.Message}); " +
                "TerraFlow__Runner__GitCacheDir must be on the same filesystem as TerraFlow__Runner__WorkDirectory.");
        }
        finally
        {
            GitCacheFolder.TryDelete(index);
            if (Directory.Exists(staging)) GitCacheFolder.TryDeleteTree(staging);
        }
    }

    /// <summary>Runs a read-only git command (diff, ls-tree, cat-file) in the mirror; no credential.</summary>
    public Task<ProcessResult> ReadAsync(CancellationToken ct, params string[] args) => GitAsync(ct, null, args);

    /// <summary>Whether the mirror has the commit (no fetch).</summary>
    public async Task<bool> HasCommitAsync(string sha, CancellationToken ct) =>
        Directory.Exists(GitDir) && (await RunAsync(ct, null, withCredential: false, "cat-file", "-e", sha + "^{commit}")).ExitCode == 0;

    private async Task FetchAsync(IReadOnlyList<string> shas, CancellationToken ct)
    {
        using var write = await FileLock.AcquireAsync(Path.Combine(_cache, _key + ".write"), exclusive: true, _options.CloneTimeout, ct)
            ?? throw new WorkspaceException($"Another job kept fetching into the runner's mirror of this repository for {_options.CloneTimeout}.");
        if (!File.Exists(Path.Combine(GitDir, "HEAD"))) await CreateAsync(ct);
        var args = new List<string> { "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", "--", _cloneUrl };
        args.AddRange(shas.Distinct(StringComparer.OrdinalIgnoreCase).Select(s => $"{s}:{RefPrefix}{s.ToLowerInvariant()}"));
        var fetched = await RunAsync(ct, null, withCredential: true, [.. args]);
        if (fetched.ExitCode != 0)
        {
            // Some servers refuse wants by SHA for commits no ref points at: fall back to the branches (what a clone gets).
            var branches = await RunAsync(ct, null, withCredential: true, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules",
                "--", _cloneUrl, "+refs/heads/*:refs/terraflow-heads/*");
            if (branches.ExitCode != 0) throw Failure("fetch", fetched);
            fetched = branches;
        }
        // git works around a damaged pack (it fetches the objects again) but complains on every later command.
        RefuseDamage(fetched, "fetch");
        foreach (var sha in shas)
            if (!await HasCommitAsync(sha, ct))
                throw new WorkspaceException($"git fetch did not bring commit {sha} (it is not reachable from the repository's branches).");
        // Still under the write lock: the order jobs wanted commits in, so maintenance prunes the least recently used refs.
        await File.AppendAllTextAsync(Path.Combine(GitDir, GitMirrorMaintenance.UseLog),
            string.Concat(shas.Select(s => s.ToLowerInvariant() + "\n")), ct);
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        if (Directory.Exists(GitDir)) WorkspaceFolders.DeleteTree(GitDir); // a half-made mirror (no HEAD)
        var init = await ProcessRunner.RunAsync(_options.GitPath, ["init", "--bare", "--quiet", "--template=", GitDir], _cache, Environment(null, false), _options.CloneTimeout, ct);
        if (init.ExitCode != 0) throw Failure("init", init);
        // No remote, no credential: the URL and header come with each fetch. No automatic gc (it would race readers and
        // could prune commits another job is reading); packs stay packs.
        foreach (var (name, value) in new[]
                 {
                     ("gc.auto", "0"), ("maintenance.auto", "false"), ("core.logAllRefUpdates", "false"),
                     ("transfer.unpackLimit", "1"), ("fetch.writeCommitGraph", "false"),
                 })
        {
            var set = await RunAsync(ct, null, withCredential: false, "config", name, value);
            if (set.ExitCode != 0) throw Failure("config", set);
        }
        _generation = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(GitDir, CreatedMarker), _generation, ct);
    }

    /// <summary>
    /// Deletes the mirror and starts it again, once per lease. Needs the mirror to itself: the shared lease becomes
    /// exclusive (waiting up to <see cref="RunnerOptions.CloneTimeout"/> for other jobs on it), then shared again.
    /// When another job rebuilt it meanwhile, nothing is deleted.
    /// </summary>
    private async Task RebuildAsync(CancellationToken ct)
    {
        _rebuilt = true;
        var use = _use ?? throw new ObjectDisposedException(nameof(GitMirror));
        if (!await use.ConvertAsync(exclusive: true, _options.CloneTimeout, ct))
            throw new WorkspaceException("The runner's mirror of this repository is damaged and other jobs kept using it; it is rebuilt when they finish.");
        try
        {
            if (ReadGeneration() == _generation && Directory.Exists(GitDir))
                WorkspaceFolders.DeleteTree(GitDir);
        }
        finally
        {
            await use.ConvertAsync(exclusive: false, TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        _generation = ReadGeneration();
    }

    private static readonly string[] DamageSigns =
    [
        "corrupt", "bad object", "missing blob", "missing tree", "missing commit", "unable to read", "inflate", "packfile",
        "pack-", "object file", "not a git repository", "hash mismatch", "sha1 mismatch", "invalid object", "is empty",
        "broken link", "index file",
    ];

    private static bool LooksDamaged(string text) => DamageSigns.Any(s => text.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>A command that succeeded while git reported a damaged object store counts as failed (and so rebuilds).</summary>
    private void RefuseDamage(ProcessResult result, string what)
    {
        if (LooksDamaged(result.StandardError))
            throw new WorkspaceException(_masker.Apply($"git {what} reported a damaged mirror: {result.StandardError.Trim()}"));
    }

    /// <summary>Corruption-class failure: git said so, or the mirror fails a connectivity check (network and auth errors do not).</summary>
    private async Task<bool> IsBrokenAsync(WorkspaceException ex, CancellationToken ct)
    {
        if (!Directory.Exists(GitDir)) return false;
        if (LooksDamaged(ex.Message)) return true;
        var fsck = await RunAsync(ct, null, withCredential: false, "fsck", "--connectivity-only", "--no-dangling", "--no-progress");
        return fsck.ExitCode != 0;
    }

    private async Task<ProcessResult> GitAsync(CancellationToken ct, IReadOnlyDictionary<string, string?>? extra, params string[] args)
    {
        var result = await RunAsync(ct, extra, withCredential: false, args);
        return result.ExitCode == 0 ? result : throw Failure(args.First(a => !a.StartsWith('-')), result);
    }

    private Task<ProcessResult> RunAsync(CancellationToken ct, IReadOnlyDictionary<string, string?>? extra, bool withCredential, params string[] args)
    {
        List<string> all = ["--git-dir=" + GitDir, .. args];
        return ProcessRunner.RunAsync(_options.GitPath, all, _cache, Environment(extra, withCredential), _options.CloneTimeout, ct);
    }

    /// <summary>
    /// The complete environment of the runner's own git: no system or global config (only the mirror's, which TerraFlow
    /// wrote), a HOME in the cache, and the clone credential only for commands that talk to the host.
    /// </summary>
    private Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra, bool withCredential)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : ChildEnvironment.DefaultPath,
            ["LANG"] = ChildEnvironment.DefaultLang,
            ["HOME"] = Path.Combine(_cache, ".home"),
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ASKPASS"] = "true",
        };
        if (withCredential && _authHeader is not null)
        {
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = _authHeader;
        }
        if (extra is not null)
            foreach (var (name, value) in extra) env[name] = value;
        return env;
    }

    private WorkspaceException Failure(string what, ProcessResult result) =>
        new(_masker.Apply($"git {what} failed ({(result.TimedOut ? "timed out" : "exit " + result.ExitCode)}): {result.StandardError.Trim()}"));

    private string? ReadGeneration()
    {
        try
        {
            return File.ReadAllText(Path.Combine(GitDir, CreatedMarker));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsHexSha(string sha) => sha.Length is >= 7 and <= 64 && sha.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Ends the lease (marks the mirror used now), maintains the mirror when no other job holds it (refs pruned,
    /// packs merged; <see cref="GitMirrorMaintenance"/>), then trims the cache to its size bound.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var use = Interlocked.Exchange(ref _use, null);
        if (use is null) return;
        FileLock.MarkUsed(Path.Combine(_cache, _key + ".use"));
        use.Dispose();
        Maintenance = await MaintainAsync(CancellationToken.None);
        await GitCacheEviction.TrimAsync(_cache, _options.GitCacheMaxMegabytes * 1024 * 1024);
    }

    /// <summary>What maintenance did when this lease ended (null before then).</summary>
    public GitMirrorMaintenanceResult? Maintenance { get; private set; }

    /// <summary>
    /// After the lease is released: the job's result is in, so a maintenance failure only leaves the mirror as it
    /// was (a damaged mirror is rebuilt by the next fetch that trips over it).
    /// </summary>
    private async Task<GitMirrorMaintenanceResult> MaintainAsync(CancellationToken ct)
    {
        try
        {
            return await GitMirrorMaintenance.RunAsync(GitDir, Path.Combine(_cache, _key + ".use"), _options.GitMirrorMaxRefs, _options.GitMirrorMaxPacks,
                (args, token) => RunAsync(token, null, withCredential: false, args), ct);
        }
        catch (Exception e) when (e is WorkspaceException or IOException or UnauthorizedAccessException)
        {
            return GitMirrorMaintenanceResult.Skipped;
        }
    }
}
