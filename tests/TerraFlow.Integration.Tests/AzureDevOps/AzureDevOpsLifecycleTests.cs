using System.Net;
using Npgsql;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeAzureDevOps;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.AzureDevOps;

/// <summary>
/// An Azure DevOps pull request from creation to applied and completed, through service hook deliveries built from
/// real payloads, against the Azure DevOps API stand-in, with real PostgreSQL, real git and the Terraform stand-in.
/// </summary>
public sealed class AzureDevOpsLifecycleTests : IAsyncLifetime
{
    private const string Project = "Infra Team";
    private const string Repository = "platform";
    private const int Number = 7;
    private const string Author = "author@contoso.com";
    private const string Reviewer = "reviewer@contoso.com";
    private const string Guest = "guest@contoso.com";
    private readonly HttpClient _http = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-azdo-lc-" + Guid.NewGuid().ToString("N")[..8]);
    private FakeAzureDevOpsServer _azdo = null!;
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        JobWritableFolder.Create(_work); // the stand-in, run as the job's uid, appends the applies logs here
        _azdo = await FakeAzureDevOpsServer.StartAsync();
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("azdo_lifecycle");
    }

    public async Task DisposeAsync()
    {
        await _azdo.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { } // best effort
    }

    private Task<TerraFlowTestHost> StartHostAsync() => TerraFlowTestHost.StartAsync(_db, _github, Path.Combine(_work, "artifacts"), new Dictionary<string, string>
    {
        ["TerraFlow:AzureDevOps:OrganizationUrl"] = _azdo.OrganizationUrl,
        ["TerraFlow:AzureDevOps:IdentityUrl"] = _azdo.OrganizationUrl,
        ["TerraFlow:AzureDevOps:Token"] = _azdo.Token,
        ["TerraFlow:AzureDevOps:WebhookUsername"] = AzureDevOpsWebhooks.User,
        ["TerraFlow:AzureDevOps:WebhookPassword"] = AzureDevOpsWebhooks.Password,
    });

    private Task<HttpResponseMessage> Send(TerraFlowTestHost host, System.Text.Json.Nodes.JsonObject payload, string? notification = null) =>
        AzureDevOpsWebhooks.SendAsync(_http, host.BaseUrl, payload.ToJsonString(), notification: notification);

    private async Task<long> Scalar(string sql)
    {
        await using var db = NpgsqlDataSource.Create(_db);
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task WaitForStatus(string project, string status) =>
        Eventually.ValueAsync(() => Scalar($"select count(*) from project_runs p join runs r on r.id = p.run_id where r.provider = 'azuredevops' and r.id = (select max(id) from runs) and p.name = '{project}' and p.status = '{status}'"),
            n => n == 1, what: $"{project} {status}");

    private int Applies(string project) => File.Exists(AppliesLog(project)) ? File.ReadAllLines(AppliesLog(project)).Count(l => l.Length > 0) : 0;

    private string AppliesLog(string project) => Path.Combine(_work, $"applies-{project}.log");

    private IEnumerable<FakeAzDoComment> Comments() => _azdo.Threads(Project, Repository, Number).SelectMany(t => t.Comments);

    [Fact]
    public async Task A_pull_request_is_planned_approved_by_vote_applied_once_and_completed()
    {
        using var repo = new TwoProjectRepo();
        foreach (var p in new[] { "network", "app" })
            repo.Git.Write($"{p}/.standin/behavior.json", "{\"applies_log\": " + System.Text.Json.JsonSerializer.Serialize(AppliesLog(p)) + "}");
        var head = repo.Git.Commit("count applies");
        _azdo.AddPullRequest(Project, Repository, Number, head, repo.BaseSha, author: Author);
        _azdo.SetRemoteUrl(Project, Repository, repo.Git.CloneUrl);
        _azdo.SetPermission(Project, Repository, Author, FakeAzureDevOpsServer.Contribute);
        _azdo.SetPermission(Project, Repository, Reviewer, FakeAzureDevOpsServer.Contribute);
        _azdo.SetPermission(Project, Repository, Guest, FakeAzureDevOpsServer.Read);
        var pr = new AzureDevOpsWebhooks.PullRequest(Project, Repository, Number, head, repo.BaseSha, Author, repo.Git.CloneUrl);
        await using var host = await StartHostAsync();

        // Created: one thread with the plans and a pull request status per project, updated as plans finish.
        var created = AzureDevOpsWebhooks.PullRequestEvent("git.pullrequest.created", pr);
        var response = await Send(host, created);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForStatus("network", "planned");
        await WaitForStatus("app", "planned");
        var planComment = await Eventually.ValueAsync(() => Comments().SingleOrDefault(c => c.Content.Contains("terraflow:run:", StringComparison.Ordinal)),
            c => c is not null && c.Content.Contains("`network`", StringComparison.Ordinal) && c.Content.Contains("`app`", StringComparison.Ordinal), what: "the plan thread");
        await Eventually.ValueAsync(() => _azdo.Statuses.Where(s => s.PullRequestId == Number && s.Genre == "terraflow" && s.State == "succeeded").Select(s => s.Name).Distinct().Count(),
            n => n == 2, what: "plan statuses");
        Assert.Equal(["plan/app", "plan/network"], _azdo.Statuses.Where(s => s.State == "succeeded").Select(s => s.Name).Distinct().Order());

        // A redelivery (same event id), a delivery without credentials and a malformed body change nothing.
        var runs = await Scalar("select count(*) from runs");
        Assert.Equal(HttpStatusCode.OK, (await Send(host, created)).StatusCode);
        using (var unauthenticated = await AzureDevOpsWebhooks.SendAsync(_http, host.BaseUrl, created.ToJsonString(), user: null))
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        using (var wrong = await AzureDevOpsWebhooks.SendAsync(_http, host.BaseUrl, created.ToJsonString(), password: "wrong"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var malformed = await AzureDevOpsWebhooks.SendAsync(_http, host.BaseUrl, "{\"id\":\"x\",\"eventType\":\"git.pullrequest.created\",\"resource\":{}}"))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(runs, await Scalar("select count(*) from runs"));

        // A reader cannot apply; the author's own approving vote does not count; the reviewer's vote does.
        await Send(host, AzureDevOpsWebhooks.Comment(pr, Guest, "terraflow apply"));
        await Eventually.ValueAsync(() => Comments().Any(c => c.Content.Contains("needs write permission", StringComparison.Ordinal)), ok => ok, what: "refusal");
        Assert.Equal(HttpStatusCode.OK, (await Send(host, AzureDevOpsWebhooks.Votes(pr, (Author, 10)), "ReviewerVoteNotification")).StatusCode);
        Assert.Equal(0, await Scalar("select count(*) from audit_events where action = 'approved'"));
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, AzureDevOpsWebhooks.Votes(pr, (Author, 10), (Reviewer, 10)), "ReviewerVoteNotification")).StatusCode);
        await Eventually.ValueAsync(() => Scalar("select count(*) from audit_events where action = 'approved'"), n => n == 1, what: "approval recorded");

        await Send(host, AzureDevOpsWebhooks.Comment(pr, Reviewer, "terraflow apply"));
        await WaitForStatus("network", "applied");
        await WaitForStatus("app", "applied");
        Assert.Equal((1, 1), (Applies("network"), Applies("app")));
        await Eventually.ValueAsync(() => _azdo.Statuses.Count(s => s.Name.StartsWith("apply/", StringComparison.Ordinal) && s.State == "succeeded"), n => n == 2, what: "apply statuses");

        // The plan thread was edited in place, not duplicated.
        Assert.Single(Comments(), c => c.Content.Contains("terraflow:run:", StringComparison.Ordinal));
        Assert.Contains("applied", Comments().Single(c => c.Content.Contains("terraflow:run:", StringComparison.Ordinal)).Content, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(planComment);

        // Completed: the run closes and the locks are released; the applies stay at one each.
        _azdo.UpdatePullRequest(_azdo.PullRequest(Project, Repository, Number)! with { Status = "completed" });
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, AzureDevOpsWebhooks.PullRequestEvent("git.pullrequest.merged", pr, status: "completed"))).StatusCode);
        await Eventually.ValueAsync(() => Scalar("select count(*) from project_locks"), n => n == 0, what: "locks released");
        Assert.Equal(1, await Scalar("select count(*) from runs where provider = 'azuredevops' and status = 'closed' and merged"));
        Assert.Equal((1, 1), (Applies("network"), Applies("app")));
        Assert.Empty(_github.AllComments); // nothing went to GitHub
    }
}
