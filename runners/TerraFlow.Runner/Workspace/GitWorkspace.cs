using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;
using TerraFlow.Runner.Workspace.Mirrors;

namespace TerraFlow.Runner.Workspace;

/// <summary>
/// A checkout of one commit in the job's folder, deleted on dispose. Two ways to make it
/// (<see cref="RunnerOptions.CloneMode"/>): <c>mirror</c> writes the tree from the runner's bare mirror of the
/// repository (<see cref="GitMirror"/>; the checkout then has no <c>.git</c>, and every git question — changed files,
/// tracked files, files of another commit — is answered from the mirror by the runner's git), <c>fresh</c> clones the
/// repository into the job's folder with the job's git.
/// </summary>
public sealed class GitWorkspace : IAsyncDisposable
{
    private readonly RunnerOptions _options;
    private readonly SecretMasker _masker;
    private readonly string? _authHeader;
    private readonly JobSandbox _sandbox;
    private string _headSha;
    private GitMirror? _mirror;

    private GitWorkspace(string root, RunnerOptions options, SecretMasker masker, string? authHeader, JobSandbox sandbox, string headSha)
    {
        Root = root;
        _options = options;
        _masker = masker;
        _authHeader = authHeader;
        _sandbox = sandbox;
        _headSha = headSha;
    }

    public string Root { get; }

    /// <summary>The commit checked out (the default branch's head when <see cref="CloneAsync"/> was given no SHA).</summary>
    public string Commit { get; private set; } = "";

    /// <summary>True when the checkout came from the runner's mirror (no <c>.git</c> in it).</summary>
    public bool FromMirror => _mirror is not null;

    /// <summary>
    /// Clones <paramref name="cloneUrl"/> and checks out <paramref name="sha"/> (empty: the default branch's head). An https credential (the provider's
    /// header, see CloneCredentials) travels in an http.extraHeader for these commands only, so it is never written to
    /// .git/config or shown in a URL; its secrets are masked in every message. git runs in the job's
    /// <paramref name="sandbox"/> (its user and environment) and clones into <see cref="JobSandbox.CheckoutPath"/>.
    /// </summary>
    public static async Task<GitWorkspace> CloneAsync(string cloneUrl, string sha, CloneCredential? credential, RunnerOptions options, SecretMasker masker, JobSandbox sandbox, CancellationToken ct)
    {
        string? header = null;
        if (credential is not null && cloneUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var secret in credential.Secrets) masker.Add(secret);
            header = credential.Header;
        }
        var root = sandbox.CheckoutPath;
        var workspace = new GitWorkspace(root, options, masker, header, sandbox, sha);
        try
        {
            if (options.UsesMirrors)
            {
                // No commit named (drift checks): ask the host where its default branch is, then take that from the mirror.
                if (sha.Length == 0) sha = workspace._headSha = await workspace.RemoteHeadAsync(cloneUrl, sandbox.Root, ct);
                workspace.Commit = sha;
                if (!IsHexSha(sha)) throw new WorkspaceException($"'{sha}' is not a commit SHA.");
                workspace._mirror = await GitMirror.LeaseAsync(options, cloneUrl, header, masker, ct);
                await workspace._mirror.EnsureCommitsAsync([sha], ct);
                await workspace._mirror.CheckoutAsync(sha, root, sandbox.User, ct);
                return workspace;
            }
            await workspace.GitAsync(sandbox.Root, ct, "clone", "--quiet", "--no-checkout", "--", cloneUrl, root);
            // No commit named (drift checks): the default branch's head, which is what the clone's HEAD points at.
            if (sha.Length == 0) sha = (await workspace.GitAsync(root, ct, "rev-parse", "--verify", "HEAD^{commit}")).StandardOutput.Trim();
            workspace.Commit = sha;
            await workspace.EnsureCommitAsync(sha, ct);
            await workspace.GitAsync(root, ct, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha);
            return workspace;
        }
        catch
        {
            await workspace.DisposeAsync();
            throw;
        }
    }

    /// <summary>The commit the remote's <c>HEAD</c> (its default branch) points at, from <c>git ls-remote</c>.</summary>
    private async Task<string> RemoteHeadAsync(string cloneUrl, string cwd, CancellationToken ct)
    {
        var result = await GitAsync(cwd, ct, "ls-remote", "--", cloneUrl, "HEAD");
        var first = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return first.Split('\t')[0].Trim();
    }

    /// <summary>Makes sure a commit is present, fetching it by SHA when the default clone did not bring it (e.g. a PR head ref).</summary>
    public async Task EnsureCommitAsync(string sha, CancellationToken ct)
    {
        if (!IsHexSha(sha)) throw new WorkspaceException($"'{sha}' is not a commit SHA.");
        if (_mirror is not null)
        {
            await _mirror.EnsureCommitsAsync([sha], ct);
            return;
        }
        var probe = await RunGitAsync(Root, ct, "cat-file", "-e", sha + "^{commit}");
        if (probe.ExitCode == 0) return;
        await GitAsync(Root, ct, "fetch", "--quiet", "--no-tags", "origin", sha);
    }

    /// <summary>Files that differ between the merge base of base and head, and head (what the pull request changes), deletions included.</summary>
    public async Task<IReadOnlyList<string>> ChangedFilesAsync(string baseSha, string headSha, CancellationToken ct)
    {
        await EnsureCommitAsync(baseSha, ct);
        var result = await ObjectsGitAsync(ct, "diff", "--name-only", "--no-renames", "-z", $"{baseSha}...{headSha}");
        return NulSeparated(result.StandardOutput);
    }

    /// <summary>Tracked files of the checkout, repository-relative with '/' separators.</summary>
    public async Task<IReadOnlyList<string>> TrackedFilesAsync(CancellationToken ct)
    {
        if (_mirror is not null) return (await TrackedBlobsAsync(ct)).Select(b => b.Path).ToList();
        var result = await GitAsync(Root, ct, "ls-files", "-z");
        return NulSeparated(result.StandardOutput);
    }

    /// <summary>
    /// Entries of <c>-z</c> output. ProcessRunner collects output by lines, so it ends with a newline git never wrote;
    /// without this the last entry of every list was a lone "\n".
    /// </summary>
    private static string[] NulSeparated(string output) =>
        (output.EndsWith('\n') ? output[..^1] : output).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Tracked files of the checkout with their mode and blob id (<c>git ls-files -s</c>), for project fingerprints.</summary>
    public async Task<IReadOnlyList<TerraFlow.Core.Projects.TrackedBlob>> TrackedBlobsAsync(CancellationToken ct)
    {
        if (_mirror is not null) return await MirrorTreeAsync(ct);
        var result = await GitAsync(Root, ct, "ls-files", "-s", "-z");
        var blobs = new List<TerraFlow.Core.Projects.TrackedBlob>();
        foreach (var entry in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <object> <stage>\t<path>"
            var tab = entry.IndexOf('\t');
            var fields = tab < 0 ? [] : entry[..tab].Split(' ');
            if (fields.Length == 3) blobs.Add(new(entry[(tab + 1)..], fields[0], fields[1]));
        }
        return blobs;
    }

    /// <summary>
    /// The head's tree from the mirror (<c>ls-tree -r</c>: what <c>ls-files -s</c> lists for a fresh checkout of the
    /// commit: mode, object id and path of every file, symlink and submodule, in the same order).
    /// </summary>
    private async Task<IReadOnlyList<TerraFlow.Core.Projects.TrackedBlob>> MirrorTreeAsync(CancellationToken ct)
    {
        var result = await _mirror!.ReadAsync(ct, "ls-tree", "-r", "-z", "--full-tree", _headSha);
        var blobs = new List<TerraFlow.Core.Projects.TrackedBlob>();
        foreach (var entry in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <object>\t<path>"
            var tab = entry.IndexOf('\t');
            var fields = tab < 0 ? [] : entry[..tab].Split(' ');
            if (fields.Length == 3) blobs.Add(new(entry[(tab + 1)..], fields[0], fields[2]));
        }
        return blobs;
    }

    /// <summary>
    /// A git command that only reads objects (ls-tree, cat-file, diff of two commits): in the mirror when there is one
    /// (the runner's git, the mirror's own config), else in the checkout with the job's git.
    /// </summary>
    internal async Task<ProcessResult> ObjectsGitAsync(CancellationToken ct, params string[] args) =>
        _mirror is not null ? await _mirror.ReadAsync(ct, args) : await GitAsync(Root, ct, args);

    internal async Task<ProcessResult> GitAsync(string cwd, CancellationToken ct, params string[] args)
    {
        var result = await RunGitAsync(cwd, ct, args);
        if (result.ExitCode != 0)
        {
            var what = args.FirstOrDefault(a => !a.StartsWith('-') && a != "advice.detachedHead=false") ?? "git";
            throw new WorkspaceException(_masker.Apply($"git {what} failed ({(result.TimedOut ? "timed out" : "exit " + result.ExitCode)}): {result.StandardError.Trim()}"));
        }
        return result;
    }

    private Task<ProcessResult> RunGitAsync(string cwd, CancellationToken ct, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["GIT_TERMINAL_PROMPT"] = "0", ["GIT_ASKPASS"] = "true" };
        if (_authHeader is not null)
        {
            // In the environment, not as `-c` on the command line: any local user can read a process's command line,
            // only its own user (the job's) its environment.
            env["GIT_CONFIG_COUNT"] = "1";
            env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            env["GIT_CONFIG_VALUE_0"] = _authHeader;
        }
        return _sandbox.RunAsync(ChildPurpose.Git, _options.GitPath, args, cwd, env, _options.CloneTimeout, ct);
    }

    private static bool IsHexSha(string sha) => sha.Length is >= 7 and <= 64 && sha.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Tracked symlinks (git mode 120000) whose target leaves the checkout, in <c>git ls-files</c> order. Terraform
    /// follows links wherever they go, so a commit with one is not planned (see <see cref="CheckoutFiles"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> SymlinksLeavingCheckoutAsync(CheckoutFiles files, CancellationToken ct)
    {
        var leaving = new List<string>();
        foreach (var blob in await TrackedBlobsAsync(ct))
        {
            if (blob.Mode != "120000") continue;
            var path = blob.Path;
            try
            {
                files.Resolve(path);
            }
            catch (TerraFlow.Core.Projects.RepositoryFileRefusedException)
            {
                leaving.Add(path);
            }
        }
        return leaving;
    }

    /// <summary>Refuses the checkout when a tracked symlink leaves it (plan and apply run Terraform, which follows links).</summary>
    public async Task RefuseSymlinksLeavingCheckoutAsync(CancellationToken ct)
    {
        var leaving = await SymlinksLeavingCheckoutAsync(new CheckoutFiles(Root), ct);
        if (leaving.Count > 0)
            throw new WorkspaceException($"Refused: `{leaving[0]}` is a symlink that points outside the repository" +
                (leaving.Count > 1 ? $" (and {leaving.Count - 1} more)" : "") + "; TerraFlow does not run Terraform on a commit that links to files outside its checkout.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            WorkspaceFolders.Release(Root);
        }
        catch (IOException) { /* best effort: the sweeper deletes what is left (the marker stays until then) */ }
        catch (UnauthorizedAccessException) { }
        if (Interlocked.Exchange(ref _mirror, null) is { } mirror) await mirror.DisposeAsync();
    }
}

public sealed class WorkspaceException(string message) : Exception(message);
