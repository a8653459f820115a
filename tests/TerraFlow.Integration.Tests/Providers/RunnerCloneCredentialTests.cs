using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;

namespace TerraFlow.Integration.Tests.Providers;

/// <summary>
/// The runner takes an https clone's token from the job's provider and hands it to git the way that host wants it,
/// as an <c>http.extraHeader</c> in git's environment (never in the URL, nor on the command line, which any local user
/// can read). git is replaced by a script that records its arguments and that environment.
/// </summary>
public sealed class RunnerCloneCredentialTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "terraflow-clone-cred-" + Guid.NewGuid().ToString("N")[..10]);

    public RunnerCloneCredentialTests() => Directory.CreateDirectory(_scratch);

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("gitlab", "oauth2:token-of-gitlab")]
    [InlineData("github", "x-access-token:token-of-github")]
    [InlineData(null, "x-access-token:token-of-github")] // a job queued before specs named their provider
    public async Task The_clone_uses_the_jobs_provider_token_and_basic_user(string? provider, string expectedBasic)
    {
        // Run as root, the runner starts git as an unprivileged uid: the script must be executable, and its log
        // folder writable, by anyone.
        var logDir = Path.Combine(_scratch, "log");
        Directory.CreateDirectory(logDir);
        var all = (UnixFileMode)0b111_111_111;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(logDir, all);
        var log = Path.Combine(logDir, "git-args.txt");
        var git = Path.Combine(_scratch, "git");
        // It lets the runner's mirror (CloneMode=mirror, the default) be created (init, config), and refuses the rest.
        await File.WriteAllTextAsync(git, "#!/bin/sh\n" +
            "case \"$1\" in init) for last; do :; done; mkdir -p \"$last\"; touch \"$last/HEAD\"; exit 0;; esac\n" +
            "case \"$2\" in config) exit 0;; esac\n" +
            $"printf '%s\\n' \"$@\" >> '{log}'\nprintf 'env %s=%s\\n' \"$GIT_CONFIG_KEY_0\" \"$GIT_CONFIG_VALUE_0\" >> '{log}'\necho 'fatal: stand-in git refuses' >&2\nexit 128\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(git, all & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));

        // The hosts as registered (their clone rules), with stand-in clients that only hand out tokens.
        var clients = new VcsClients([
            new VcsProvider("github", new TokenOnlyClient("token-of-github")),
            new VcsProvider("gitlab", new TokenOnlyClient("token-of-gitlab")),
        ], null, RegisteredHosts.WithoutClients());
        var options = new RunnerOptions { GitPath = git, WorkDirectory = Path.Combine(_scratch, "work") };
        var hosts = new CloneUrlPolicy([KeyValuePair.Create("github", "https://git.example.com"), KeyValuePair.Create("gitlab", "https://git.example.com")], allowLocalPaths: false);
        var handler = new DiscoverJobHandler(options, clients, hosts, NullLogger<DiscoverJobHandler>.Instance);
        var spec = new JobSpec(JobKinds.Discover, 1, "acme", "infra", null, "https://git.example.com/acme/infra.git", new string('a', 40), new string('b', 40), null, "op")
        {
            Provider = provider,
        };
        var masker = new SecretMasker();

        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), masker, CancellationToken.None);

        Assert.False(result.Discovery!.Succeeded);
        var args = await File.ReadAllLinesAsync(log);
        var header = "env http.extraHeader=Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(expectedBasic));
        Assert.Contains(header, args);
        Assert.DoesNotContain(args, a => !a.StartsWith("env ", StringComparison.Ordinal) && a.Contains("Authorization", StringComparison.Ordinal));
        Assert.Contains("https://git.example.com/acme/infra.git", args); // the URL itself carries no credentials
        var token = expectedBasic[(expectedBasic.IndexOf(':') + 1)..];
        Assert.Equal("***", masker.Apply(token));
        Assert.DoesNotContain(token, result.Discovery.FailureMessage ?? "");
    }

    [Fact]
    public async Task A_local_clone_asks_no_provider_for_a_token()
    {
        var clients = new VcsClients([]); // nothing configured: asking would throw
        var handler = new DiscoverJobHandler(new RunnerOptions { WorkDirectory = Path.Combine(_scratch, "work") }, clients, new CloneUrlPolicy([], allowLocalPaths: true), NullLogger<DiscoverJobHandler>.Instance);
        var spec = new JobSpec(JobKinds.Discover, 1, "acme", "infra", null, Path.Combine(_scratch, "no-such-repo"), new string('a', 40), new string('b', 40), null, "op") { Provider = "gitlab" };

        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), new SecretMasker(), CancellationToken.None);

        Assert.False(result.Discovery!.Succeeded);
        Assert.DoesNotContain("not configured", result.Discovery.FailureMessage ?? "");
    }

    private sealed class TokenOnlyClient(string token) : IVcsClient
    {
        public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct) => Task.FromResult<string?>(token);
        public Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct) => throw new NotSupportedException();
        public Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct) => throw new NotSupportedException();
        public Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct) => throw new NotSupportedException();
        public Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct) => throw new NotSupportedException();

        public Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct) => throw new NotSupportedException();
    }
}
