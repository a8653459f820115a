using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests;

/// <summary>
/// Stop the host between steps and start a new one on the same database: the run must finish with exactly one
/// comment, one status per project and no duplicated job.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 9;
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "terraflow-crash-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("crash");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    private static readonly Dictionary<string, string> NoRunner = new() { ["TerraFlow:Runner:InProcess"] = "false" };

    private Task<TerraFlowTestHost> Host(IDictionary<string, string>? settings = null) =>
        TerraFlowTestHost.StartAsync(_db, _github, _artifacts, settings);

    private async Task AssertFinishedExactlyOnceAsync(TerraFlowTestHost host, string headSha)
    {
        var final = await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == headSha && s.State == "success").ToList(),
            s => s.Count >= 2, what: "both projects planned");
        await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status = 'pending'"), n => (long)n! == 0, what: "outbox drained");
        Assert.Equal(2, final.Select(s => s.Context).Distinct().Count());
        Assert.Equal(2, final.Count);
        Assert.Single(_github.Comments(Owner, Repo, Number));
        Assert.Equal(1L, await GitHubPullRequestTests.Scalar(host, "select count(*) from jobs where kind = 'discover'"));
        Assert.Equal(2L, await GitHubPullRequestTests.Scalar(host, "select count(distinct project_name) from jobs where kind = 'plan'"));
        Assert.Equal(2L, await GitHubPullRequestTests.Scalar(host, "select count(*) from jobs where kind = 'plan'"));
    }

    [Fact]
    public async Task Stopped_after_the_webhook_ack_a_new_host_finishes_the_run()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl));

        await using (var first = await Host(NoRunner))
        {
            var ack = await GitHubWebhooks.SendAsync(_http, first.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "d-crash-1");
            Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        }

        await using var second = await Host();
        await AssertFinishedExactlyOnceAsync(second, repo.HeadSha);
    }

    [Fact]
    public async Task A_runner_that_dies_mid_plan_loses_its_lease_and_the_plan_runs_again_once()
    {
        using var repo = new TwoProjectRepo();
        // network's plan takes long enough that the first host is stopped while it runs.
        repo.Git.Write("network/.standin/behavior.json", "{\"plan_delay_ms\": 4000}");
        var head = repo.Git.Commit("slow network plan");
        _github.AddPullRequest(Owner, Repo, Number, head, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, head, repo.BaseSha, repo.Git.CloneUrl));
        var shortLease = new Dictionary<string, string> { ["TerraFlow:Queue:LeaseDuration"] = "00:00:03" };

        await using (var first = await Host(shortLease))
        {
            await GitHubWebhooks.SendAsync(_http, first.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret);
            await Eventually.ValueAsync(
                () => GitHubPullRequestTests.Scalar(first, "select count(*) from jobs where kind = 'plan' and project_name = 'network' and status = 'leased'"),
                n => (long)n! == 1, what: "network plan running");
        }

        repo.Git.Delete("network/.standin/behavior.json");
        await using var second = await Host(shortLease);
        var final = await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == head && s.State != "pending").ToList(),
            s => s.Count >= 2, TimeSpan.FromSeconds(90), what: "both projects planned after the restart");
        Assert.All(final, s => Assert.Equal("success", s.State));
        Assert.Single(_github.Comments(Owner, Repo, Number));
        Assert.Equal(2, await GitHubPullRequestTests.Scalar(second, "select attempts from jobs where project_name = 'network'"));
    }

    [Fact]
    public async Task A_comment_created_before_a_crash_is_adopted_not_duplicated()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl));
        long runId;
        await using (var first = await Host(NoRunner))
        {
            await GitHubWebhooks.SendAsync(_http, first.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret);
            runId = (long)(await GitHubPullRequestTests.Scalar(first, "select id from runs"))!;
        }
        // As if a previous host created the comment on GitHub and died before saving its id. The host uses a token,
        // so GitHub shows the token's user as the author (only TerraFlow's own comments are adopted).
        _github.AddComment(Owner, Repo, Number, $"<!-- terraflow:run:{runId}:part:0 -->\nstale", new FakeGitHubOptions().TokenUser);

        await using var second = await Host();
        await AssertFinishedExactlyOnceAsync(second, repo.HeadSha);
        Assert.DoesNotContain("stale", _github.Comments(Owner, Repo, Number)[0].Body);
    }
}
