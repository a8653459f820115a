using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Workspace;

/// <summary>A fresh checkout of one commit in its own folder, deleted on dispose.</summary>
public sealed class GitWorkspace : IAsyncDisposable
{
    private readonly RunnerOptions _options;
    private readonly SecretMasker _masker;
    private readonly string? _authHeader;
    private readonly JobSandbox _sandbox;

    private GitWorkspace(string root, RunnerOptions options, SecretMasker masker, string? authHeader, JobSandbox sandbox)
    {
        Root = root;
        _options = options;
        _masker = masker;
        _authHeader = authHeader;
        _sandbox = sandbox;
    }

    public string Root { get; }

    /// <summary>The commit checked out (the default branch's head when <see cref="CloneAsync"/> was given no SHA).</summary>
    public string Commit { get; private set; } = "";

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
        var workspace = new GitWorkspace(root, options, masker, header, sandbox);
        try
        {
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

    /// <summary>Makes sure a commit is present, fetching it by SHA when the default clone did not bring it (e.g. a PR head ref).</summary>
    public async Task EnsureCommitAsync(string sha, CancellationToken ct)
    {
        if (!IsHexSha(sha)) throw new WorkspaceException($"'{sha}' is not a commit SHA.");
        var probe = await RunGitAsync(Root, ct, "cat-file", "-e", sha + "^{commit}");
        if (probe.ExitCode == 0) return;
        await GitAsync(Root, ct, "fetch", "--quiet", "--no-tags", "origin", sha);
    }

    /// <summary>Files that differ between the merge base of base and head, and head (what the pull request changes), deletions included.</summary>
    public async Task<IReadOnlyList<string>> ChangedFilesAsync(string baseSha, string headSha, CancellationToken ct)
    {
        await EnsureCommitAsync(baseSha, ct);
        var result = await GitAsync(Root, ct, "diff", "--name-only", "--no-renames", "-z", $"{baseSha}...{headSha}");
        return result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Tracked files of the checkout, repository-relative with '/' separators.</summary>
    public async Task<IReadOnlyList<string>> TrackedFilesAsync(CancellationToken ct)
    {
        var result = await GitAsync(Root, ct, "ls-files", "-z");
        return result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Tracked files of the checkout with their mode and blob id (<c>git ls-files -s</c>), for project fingerprints.</summary>
    public async Task<IReadOnlyList<TerraFlow.Core.Projects.TrackedBlob>> TrackedBlobsAsync(CancellationToken ct)
    {
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
        var result = await GitAsync(Root, ct, "ls-files", "-s", "-z");
        var leaving = new List<string>();
        foreach (var entry in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <object> <stage>\t<path>"
            var tab = entry.IndexOf('\t');
            if (tab < 0 || !entry.StartsWith("120000 ", StringComparison.Ordinal)) continue;
            var path = entry[(tab + 1)..];
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

    public ValueTask DisposeAsync()
    {
        try
        {
            WorkspaceFolders.Release(Root);
        }
        catch (IOException) { /* best effort: the sweeper deletes what is left (the marker stays until then) */ }
        catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}

public sealed class WorkspaceException(string message) : Exception(message);
