using System.Net;
using System.Collections.Concurrent;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Engine;

/// <summary>
/// Issue 12: the outbox talks to the VCS host with no database transaction open (a slow host must not hold row locks
/// or keep a transaction open for minutes), while comment syncs of one run still take turns and post one comment.
/// </summary>
public sealed class OutboxSendsOutsideTransactionsTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 12;

    // The dispatcher's "this run's comment is being edited" lock: advisory, two keys, the first of them this class.
    private const string CommentLockHolders = """
        select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = 1952805486 and l.objsubid = 2 and l.granted and a.datname = current_database()
        """;

    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("outbox_no_tx");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Comment_edits_happen_with_no_transaction_open_and_post_one_comment()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        // While the fake host answers a comment create or edit, look at the database from outside.
        var seen = new ConcurrentQueue<(long Holders, long InTransaction)>();
        _github.BeforeRequest = async (method, path) =>
        {
            if (method is not ("POST" or "PATCH") || !path.Contains("/comments", StringComparison.Ordinal)) return;
            var holders = (long)(await GitHubPullRequestTests.Scalar(host, CommentLockHolders))!;
            var inTransaction = (long)(await GitHubPullRequestTests.Scalar(host, CommentLockHolders + " and a.xact_start is not null"))!;
            seen.Enqueue((holders, inTransaction));
        };

        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl));
        var ack = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "d-no-tx-1");
        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);

        await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == repo.HeadSha && s.State == "success").ToList(),
            s => s.Count >= 2, what: "both projects planned");
        await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status = 'pending'"), n => (long)n! == 0, what: "outbox drained");
        _github.BeforeRequest = null;

        // The comment was written while its sync held the run's comment lock, and that session had no transaction open.
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.True(s.Holders >= 1, "a comment request arrived while no sync held the run's comment lock"));
        Assert.All(seen, s => Assert.Equal(0L, s.InTransaction));
        Assert.Single(_github.Comments(Owner, Repo, Number));
        Assert.Equal(0L, await GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status <> 'done'"));
    }
}
