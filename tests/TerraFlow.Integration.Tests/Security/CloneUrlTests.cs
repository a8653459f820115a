using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Testing.FakeGitLab;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 4: a signed webhook names a clone URL on another host (a second local HTTP server), or on GitLab
/// another project's URL under a per-project secret. The run must fail with the reason in its comment, and the other
/// host must receive nothing, least of all the clone token.
/// </summary>
public sealed class CloneUrlTests : IDisposable
{
    private const int Pr = 11;
    private const string GitLabProject = "acme/platform/infra";
    private const string ProjectSecret = "project-a-own-secret";
    private readonly RecordingHttpListener _elsewhere = new();
    private readonly HttpClient _http = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-clone-url-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        _elsewhere.Dispose();
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    private static async Task<string> RunJsonAsync(LifecycleBed bed, long runId) =>
        await (await bed.Host.ConsoleClientAsync()).GetStringAsync($"{bed.Host.BaseUrl}/api/runs/{runId}");

    [Fact]
    public async Task A_GitHub_webhook_naming_another_host_fails_the_run_and_that_host_gets_nothing()
    {
        await using var bed = await LifecycleBed.StartAsync("clone_url_github");
        using var repo = new TwoProjectRepo();

        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, _elsewhere.Url("acme/infra.git"));

        var comment = await bed.WaitForCommentAsync(Pr, "Refused to clone");
        Assert.Contains("not on the configured github host", comment.Body);
        var runId = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");
        Assert.Contains("not on the configured github host", await RunJsonAsync(bed, runId));
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from jobs where run_id = {runId}"));
        await Task.Delay(500); // a runner that wrongly cloned would have reached the listener by now
        Assert.Empty(_elsewhere.Requests);
    }

    private static Dictionary<string, string> GitLabSettings(FakeGitLabServer gitlab) => new()
    {
        ["TerraFlow:GitLab:ApiUrl"] = gitlab.ApiUrl,
        ["TerraFlow:GitLab:Token"] = gitlab.Token,
        ["TerraFlow:GitLab:WebhookSecret"] = GitLabWebhooks.Secret,
        ["TerraFlow:GitLab:ProjectSecrets:0:Project"] = GitLabProject,
        ["TerraFlow:GitLab:ProjectSecrets:0:Secret"] = ProjectSecret,
    };

    private async Task<HttpResponseMessage> SendMergeRequestAsync(LifecycleBed bed, string head, string cloneUrl) =>
        await GitLabWebhooks.SendAsync(_http, bed.Host.BaseUrl, "Merge Request Hook",
            GitLabWebhooks.MergeRequest(GitLabProject, Pr, "open", head, payload =>
            {
                payload["project"]!["git_http_url"] = cloneUrl;
                payload["object_attributes"]!["source"]!["git_http_url"] = cloneUrl;
                payload["object_attributes"]!["target"]!["git_http_url"] = cloneUrl;
            }),
            new GitLabWebhooks.Delivery(Token: ProjectSecret));

    [Fact]
    public async Task A_GitLab_webhook_naming_another_host_fails_the_run_and_that_host_gets_nothing()
    {
        await using var gitlab = await FakeGitLabServer.StartAsync();
        await using var bed = await LifecycleBed.StartAsync("clone_url_gitlab_host", GitLabSettings(gitlab));
        using var repo = new TwoProjectRepo();
        gitlab.AddMergeRequest("acme/platform", "infra", Pr, repo.HeadSha, repo.BaseSha, author: "mr-author");

        var response = await SendMergeRequestAsync(bed, repo.HeadSha, _elsewhere.Url("acme/platform/infra.git"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var note = await Eventually.ValueAsync(() => gitlab.Notes(GitLabProject, Pr).FirstOrDefault(n => n.Body.Contains("Refused to clone", StringComparison.Ordinal)),
            n => n is not null, what: "the refusal note");
        Assert.Contains("not on the configured gitlab host", note!.Body);
        await Task.Delay(500);
        Assert.Empty(_elsewhere.Requests);
    }

    [Fact]
    public async Task A_GitLab_webhook_signed_with_project_As_secret_cannot_clone_project_B()
    {
        await using var gitlab = await FakeGitLabServer.StartAsync();
        await using var bed = await LifecycleBed.StartAsync("clone_url_gitlab_cross", GitLabSettings(gitlab));
        using var repo = new TwoProjectRepo();
        gitlab.AddMergeRequest("acme/platform", "infra", Pr, repo.HeadSha, repo.BaseSha, author: "mr-author");

        // On the configured GitLab host, but project B's repository.
        var response = await SendMergeRequestAsync(bed, repo.HeadSha, gitlab.RootUrl + "/acme/secret-b.git");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var note = await Eventually.ValueAsync(() => gitlab.Notes(GitLabProject, Pr).FirstOrDefault(n => n.Body.Contains("Refused to clone", StringComparison.Ordinal)),
            n => n is not null, what: "the refusal note");
        Assert.Contains("not the URL of project acme/platform/infra", note!.Body);
        var runId = await bed.ScalarAsync("select max(id) from runs where provider = 'gitlab'");
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from jobs where run_id = {runId}"));
        Assert.DoesNotContain(gitlab.Requests, r => r.Path.Contains("secret-b", StringComparison.Ordinal));
    }

    /// <summary>
    /// The runner checks again right before cloning (a job queued by an older version, a forged queue message). With
    /// an https URL on the configured host the token is fetched for git (the control: this test can see a token
    /// leave); with the listener as another host no token is even fetched and nothing reaches it.
    /// </summary>
    [Fact]
    public async Task The_runner_refuses_a_foreign_clone_url_before_fetching_a_token()
    {
        using var configured = new RecordingHttpListener();
        var tokens = new CountingTokenClient("clone-token-123");
        var clients = new VcsClients([new VcsProvider("github", tokens)], null, RegisteredHosts.WithoutClients());
        var policy = new CloneUrlPolicy([KeyValuePair.Create("github", $"https://127.0.0.1:{configured.Port}")], allowLocalPaths: false);
        var handler = new DiscoverJobHandler(new RunnerOptions { WorkDirectory = _work }, clients, policy, NullLogger<DiscoverJobHandler>.Instance);
        static JobLease Lease(string url) => new(1, 1, 1, new JobSpec(JobKinds.Discover, 1, "acme", "infra", null, url, new string('a', 40), new string('b', 40), null, "op") { Provider = "github" });

        var allowed = await handler.ExecuteAsync(Lease($"https://127.0.0.1:{configured.Port}/acme/infra.git"), new SecretMasker(), CancellationToken.None);
        Assert.DoesNotContain("Refused to clone", allowed.Discovery!.FailureMessage ?? "");
        Assert.Equal(1, tokens.Requests);

        foreach (var url in new[] { $"https://127.0.0.1:{_elsewhere.Port}/acme/infra.git", _elsewhere.Url("acme/infra.git") })
        {
            var refused = await handler.ExecuteAsync(Lease(url), new SecretMasker(), CancellationToken.None);
            Assert.Contains("Refused to clone", refused.Discovery!.FailureMessage);
            Assert.Contains("not on the configured github host", refused.Discovery.FailureMessage);
        }
        Assert.Equal(1, tokens.Requests);
        Assert.Empty(_elsewhere.Requests);
        Assert.Empty(Directory.Exists(_work) ? Directory.EnumerateFileSystemEntries(_work) : []);
    }

    private sealed class CountingTokenClient(string token) : IVcsClient
    {
        public int Requests;

        public Task<string?> GetCloneTokenAsync(RepoRef repo, CancellationToken ct)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult<string?>(token);
        }

        public Task<PullRequestInfo> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<PullRequestComment>> ListCommentsAsync(RepoRef repo, int number, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> CreateCommentAsync(RepoRef repo, int number, string body, CancellationToken ct) => throw new NotSupportedException();
        public Task UpdateCommentAsync(RepoRef repo, long commentId, string body, CancellationToken ct) => throw new NotSupportedException();
        public Task SetCommitStatusAsync(RepoRef repo, string sha, CommitStatus status, CancellationToken ct) => throw new NotSupportedException();
        public Task<RepoPermission> GetPermissionAsync(RepoRef repo, string user, CancellationToken ct) => throw new NotSupportedException();
        public Task<bool> IsTeamMemberAsync(RepoRef repo, string team, string user, CancellationToken ct) => throw new NotSupportedException();
        public Task<string?> GetOwnLoginAsync(RepoRef repo, CancellationToken ct) => throw new NotSupportedException();
    }
}
