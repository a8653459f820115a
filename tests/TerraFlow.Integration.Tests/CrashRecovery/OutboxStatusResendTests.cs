using TerraFlow.Application.Outbox;
using System.Net.Http.Headers;
using System.Text;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.CrashRecovery;

/// <summary>
/// Issue 11: a host that died between POSTing a commit status and committing the outbox row left the row pending,
/// and the next host sent the same status again (a content-creating request against GitHub's secondary rate limit).
/// Now a status effect that may have been sent before reads the commit's statuses first and skips a send whose
/// result is already visible; a first attempt sends without reading.
/// </summary>
public sealed class OutboxStatusResendTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private static readonly Dictionary<string, string> NoRunner = new() { ["TerraFlow:Runner:InProcess"] = "false" };
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _github.AddRepository(Owner, Repo);
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("outbox_resend");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_status_already_visible_after_a_crash_between_the_post_and_the_commit_is_not_sent_again()
    {
        var sha = new string('c', 40);
        await using (await TerraFlowTestHost.StartAsync(_db, _github, settings: NoRunner)) { } // schema only

        // As the dead host left things: both rows pending; the first one's POST had reached GitHub, the second's had not.
        await PostStatusAsync(sha, "terraflow/plan: network", "success", "Plan: 1 to add, 0 to change, 0 to destroy.");
        await AddStatusRowAsync(sha, "terraflow/plan: network", "Success", "Plan: 1 to add, 0 to change, 0 to destroy.");
        await AddStatusRowAsync(sha, "terraflow/plan: app", "Success", "No changes.");
        // A stale visible state of the same context does not count: only the same state and description do.
        await PostStatusAsync(sha, "terraflow/plan: db", "pending", "Plan running");
        await AddStatusRowAsync(sha, "terraflow/plan: db", "Failure", "Plan failed");

        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: NoRunner);
        await Eventually.ValueAsync(() => GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status = 'pending'"),
            n => (long)n! == 0, what: "outbox drained");

        var posted = _github.Statuses.Where(s => s.Sha == sha).ToList();
        Assert.Single(posted, s => s.Context == "terraflow/plan: network"); // not sent again
        Assert.Single(posted, s => s.Context == "terraflow/plan: app" && s.State == "success");
        Assert.Equal(["pending", "failure"], posted.Where(s => s.Context == "terraflow/plan: db").Select(s => s.State));
        Assert.Equal(0L, await GitHubPullRequestTests.Scalar(host, "select count(*) from outbox where status <> 'done'"));
    }

    [Fact]
    public async Task A_first_attempt_sends_the_status_without_reading_the_commit_statuses()
    {
        var sha = new string('d', 40);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: NoRunner);
        await AddStatusRowAsync(sha, "terraflow/plan: network", "Success", "No changes.");

        await Eventually.ValueAsync(() => _github.Statuses.Count(s => s.Sha == sha), n => n == 1, what: "status sent");
        Assert.DoesNotContain(_github.Requests, r => r.Method == "GET" && r.Path.Contains("/statuses", StringComparison.Ordinal));
    }

    private async Task PostStatusAsync(string sha, string context, string state, string description)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_github.ApiUrl.TrimEnd('/')}/repos/{Owner}/{Repo}/statuses/{sha}")
        {
            Content = new StringContent($$"""{"state":"{{state}}","context":"{{context}}","description":"{{description}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _github.Token);
        request.Headers.UserAgent.ParseAdd("terraflow-tests");
        using var answer = await _http.SendAsync(request);
        Assert.True(answer.IsSuccessStatusCode, $"fake GitHub refused the status: {(int)answer.StatusCode}");
    }

    private async Task AddStatusRowAsync(string sha, string context, string state, string description)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_db);
        await using var insert = dataSource.CreateCommand("insert into outbox (kind, payload) values ($1, $2::jsonb)");
        insert.Parameters.AddWithValue(OutboxKinds.SetStatus);
        insert.Parameters.AddWithValue(StoreJson.Serialize<object>(new SetStatusMessage(Owner, Repo, null, sha, context, state, description)));
        await insert.ExecuteNonQueryAsync();
    }
}
