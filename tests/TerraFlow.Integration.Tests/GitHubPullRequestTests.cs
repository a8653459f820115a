using System.Net;
using Npgsql;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests;

/// <summary>
/// A GitHub pull request end to end, as a user sets it up: real PostgreSQL, a real git repository as clone_url, the
/// real GitHub client against a local API stand-in, the Terraform stand-in, webhooks in GitHub's real payload shape.
/// </summary>
public sealed class GitHubPullRequestTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 7;
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("pr");
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    private string OpenedPayload(TwoProjectRepo repo, string action = "opened", string? head = null) =>
        GitHubWebhooks.PullRequest(new(Owner, Repo, Number, head ?? repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, action));

    private Task<HttpResponseMessage> Send(TerraFlowTestHost host, string eventName, string body, string? deliveryId = null, string? secret = TerraFlowTestHost.WebhookSecret) =>
        GitHubWebhooks.SendAsync(_http, host.BaseUrl, eventName, body, secret, deliveryId);

    private Task<IReadOnlyList<FakeStatus>> FinalStatuses(string sha, int count) =>
        Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == sha && s.State != "pending").ToList(),
            s => s.Count >= count, what: $"{count} final statuses on {sha}");

    [Fact]
    public async Task Opened_pull_request_gets_one_comment_with_plan_counts_and_a_status_per_project()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string> { ["TerraFlow:PublicUrl"] = "https://terraflow.example.com/" });

        var response = await Send(host, "pull_request", OpenedPayload(repo), "delivery-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt64();

        var statuses = await FinalStatuses(repo.HeadSha, 2);
        Assert.Equal(["terraflow/plan: app", "terraflow/plan: network"], statuses.Select(s => s.Context).Order());
        Assert.All(statuses, s => Assert.Equal("success", s.State));
        Assert.All(statuses, s => Assert.Equal($"https://terraflow.example.com/api/console/runs/{runId}", s.TargetUrl));
        Assert.Contains(_github.Statuses, s => s.State == "pending" && s.Context == "terraflow/plan: network");

        // The comment is edited in place as projects finish; wait until it shows both plans.
        var comment = await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number),
            c => c.Count == 1 && CountsShown(c[0].Body), what: "final plan comment");
        var network = CommentTable.Row(comment[0].Body, "network");
        Assert.Equal(("2", "1", "0", "0"), (network["Add"], network["Change"], network["Destroy"], network["Replace"]));
        var app = CommentTable.Row(comment[0].Body, "app");
        Assert.Equal(("0", "0", "1", "1"), (app["Add"], app["Change"], app["Destroy"], app["Replace"]));
        Assert.Contains("null_resource.vnet", comment[0].Body);

        var run = System.Text.Json.JsonDocument.Parse(await (await host.ConsoleClientAsync()).GetStringAsync($"{host.BaseUrl}/api/runs/{runId}")).RootElement;
        Assert.Equal("planned", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("projects").GetArrayLength());
        var events = await (await host.ConsoleClientAsync()).GetStringAsync($"{host.BaseUrl}/api/runs/{runId}/events");
        Assert.Contains("\"run-created\"", events);
        Assert.Contains("delivery-1", events);

        // A redelivery of the same delivery changes nothing: no run, no job, no comment, no status.
        var statusCount = _github.Statuses.Count;
        var again = await Send(host, "pull_request", OpenedPayload(repo), "delivery-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already received", await again.Content.ReadAsStringAsync());
        await Task.Delay(1500);
        Assert.Single(_github.Comments(Owner, Repo, Number));
        Assert.Equal(statusCount, _github.Statuses.Count);
        Assert.Equal(1L, await Scalar(host, "select count(*) from runs"));
        Assert.Equal(3L, await Scalar(host, "select count(*) from jobs"));
    }

    [Fact]
    public async Task An_opened_pull_request_makes_its_repository_and_discovered_projects_known()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var response = await Send(host, "pull_request", OpenedPayload(repo), "delivery-catalog");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await FinalStatuses(repo.HeadSha, 2);

        // The webhook's run recorded its repository (in the run's transaction), discovery its projects.
        Assert.Equal($"github:{Owner}/{Repo}:{repo.Git.CloneUrl}", await Scalar(host, "select provider || ':' || owner || '/' || name || ':' || clone_url from repositories"));
        Assert.Equal("pull_request", await Scalar(host, "select r.trigger_kind from runs r join repositories p on p.id = r.repository_id"));
        Assert.Equal("app:app:default,network:network:default",
            await Scalar(host, "select string_agg(name || ':' || dir || ':' || workspace, ',' order by name) from projects"));
    }

    private static bool CountsShown(string body)
    {
        try
        {
            return CommentTable.Row(body, "network")["Add"] == "2" && CommentTable.Row(body, "app")["Replace"] == "1";
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Bad_or_missing_signature_is_401_and_stores_nothing()
    {
        using var repo = new TwoProjectRepo();
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var wrongSecret = await Send(host, "pull_request", OpenedPayload(repo), secret: "not the secret");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        var unsigned = await Send(host, "pull_request", OpenedPayload(repo), secret: null);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(0L, await Scalar(host, "select count(*) from webhook_deliveries"));
        Assert.Equal(0L, await Scalar(host, "select count(*) from runs"));
    }

    [Fact]
    public async Task Health_reports_database_and_artifact_store()
    {
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);
        var health = System.Text.Json.JsonDocument.Parse(await _http.GetStringAsync($"{host.BaseUrl}/api/health")).RootElement;
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("reachable").GetBoolean());
        Assert.True(health.GetProperty("artifacts").GetProperty("reachable").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"{host.BaseUrl}/api/health/live")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_4xx_with_a_reason_and_ignored_events_a_2xx()
    {
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var malformed = await Send(host, "pull_request", "{\"action\": \"opened\", ");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var missingFields = await Send(host, "pull_request", "{\"action\": \"opened\"}");
        Assert.Equal(HttpStatusCode.BadRequest, missingFields.StatusCode);

        var ping = await Send(host, "ping", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        var unknown = await Send(host, "star", "{\"action\":\"created\"}");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("ignored", await unknown.Content.ReadAsStringAsync());

        var big = new string(' ', 25 * 1024 * 1024 + 1);
        var tooLarge = await Send(host, "pull_request", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        Assert.Equal(0L, await Scalar(host, "select count(*) from runs"));
    }

    [Fact]
    public async Task A_new_push_supersedes_the_old_run_and_its_comment_says_so()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);
        await Send(host, "pull_request", OpenedPayload(repo));
        await FinalStatuses(repo.HeadSha, 2);

        repo.Git.Write("network/variables.tf", "variable \"cidr\" {}\n");
        var newHead = repo.Git.Commit("second push");
        _github.AddPullRequest(Owner, Repo, Number, newHead, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, "pull_request", OpenedPayload(repo, "synchronize", newHead))).StatusCode);

        await FinalStatuses(newHead, 2);
        var comments = await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number),
            c => c.Count == 2 && c[0].Body.Contains("Superseded", StringComparison.OrdinalIgnoreCase), what: "old comment marked superseded");
        Assert.Contains(newHead[..7], comments[0].Body);
        Assert.DoesNotContain("Superseded", comments[1].Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("superseded", await Scalar(host, "select status from runs order by id limit 1"));
    }

    [Fact]
    public async Task Invalid_repository_config_is_commented_with_file_and_line()
    {
        using var repo = new TwoProjectRepo(config: "version: 1\nprojects:\n  - name: network\n    dirr: network\n");
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);
        await Send(host, "pull_request", OpenedPayload(repo));

        var comments = await Eventually.ValueAsync(() => _github.Comments(Owner, Repo, Number), c => c.Count == 1, what: "config error comment");
        Assert.Contains(".terraflow.yml:4", comments[0].Body);
        Assert.Contains("dirr", comments[0].Body);
    }

    [Fact]
    public async Task Comment_commands_plan_one_project_and_answer_help()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);

        var help = await Send(host, "issue_comment", GitHubWebhooks.IssueComment(Owner, Repo, Number, "terraflow help"));
        Assert.Equal(HttpStatusCode.Accepted, help.StatusCode);
        var helpComment = await Eventually.ValueAsync(() => _github.Comments(Owner, Repo, Number), c => c.Count == 1, what: "help reply");
        Assert.Contains("terraflow plan", helpComment[0].Body);

        // Someone without access to the repository cannot make a runner execute the pull request's code.
        var outsider = await Send(host, "issue_comment", GitHubWebhooks.IssueComment(Owner, Repo, Number, "terraflow plan -p app", author: "drive-by"));
        Assert.Equal(HttpStatusCode.Accepted, outsider.StatusCode);
        await Eventually.ValueAsync(() => _github.Comments(Owner, Repo, Number), c => c.Any(x => x.Body.Contains("@drive-by needs write access", StringComparison.Ordinal)), what: "refusal");
        Assert.Equal(0L, (long)(await Scalar(host, "select count(*) from runs"))!);

        // Planning runs the pull request's code with the repository's credentials: it takes write access (issue 9).
        _github.SetCollaboratorPermission(Owner, Repo, "octocat", "write");
        var plan = await Send(host, "issue_comment", GitHubWebhooks.IssueComment(Owner, Repo, Number, "terraflow plan -p app"));
        Assert.Equal(HttpStatusCode.Accepted, plan.StatusCode);
        var statuses = await FinalStatuses(repo.HeadSha, 1);
        Assert.Equal("terraflow/plan: app", Assert.Single(statuses).Context);

        var chatter = await Send(host, "issue_comment", GitHubWebhooks.IssueComment(Owner, Repo, Number, "looks good to me"));
        Assert.Equal(HttpStatusCode.OK, chatter.StatusCode);
    }

    [Fact]
    public async Task A_github_outage_is_retried_and_still_ends_with_one_comment()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using (var first = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string> { ["TerraFlow:Runner:InProcess"] = "false" }))
        {
            await Send(first, "pull_request", OpenedPayload(repo));
            // The first host checks who opened it (a GitHub call of its own) and queues the discover job; the outage
            // below is for the outbox.
            await Eventually.ValueAsync(() => Scalar(first, "select count(*) from jobs"), n => (long)n! == 1, what: "discover job queued");
        }

        // GitHub answers 502 to the next requests; the outbox backs off and tries again.
        _github.FailNextRequests(4, 502);
        await using var second = await TerraFlowTestHost.StartAsync(_db, _github);
        await FinalStatuses(repo.HeadSha, 2);
        await Eventually.ValueAsync(() => Scalar(second, "select count(*) from outbox where status <> 'done'"), n => (long)n! == 0, what: "outbox drained");
        Assert.Single(_github.Comments(Owner, Repo, Number));
        Assert.True(await Scalar(second, "select count(*) from outbox where attempts > 1") is long retried && retried > 0, "some sends needed a retry");
        Assert.Contains(_github.Requests, r => r.ResponseStatus == 502);
    }

    [Fact]
    public async Task A_pull_request_without_terraform_changes_gets_no_comment()
    {
        using var repo = new TwoProjectRepo();
        repo.Git.Write("docs/notes.md", "hello\n");
        var head = repo.Git.Commit("docs only");
        // Compare against the previous head: only docs changed.
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, head, repo.HeadSha, repo.Git.CloneUrl));
        _github.AddRepository(Owner, Repo); // GitHub knows the repository: TerraFlow asks it who opened the pull request
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github);
        await Send(host, "pull_request", payload);

        await Eventually.ValueAsync(() => Scalar(host, "select status from runs"), s => (string?)s == "no_projects", what: "run with no projects");
        Assert.Empty(_github.Comments(Owner, Repo, Number));
        Assert.Empty(_github.Statuses);
    }

    internal static async Task<object?> Scalar(TerraFlowTestHost host, string sql)
    {
        await using var cmd = host.Database.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync();
    }
}
