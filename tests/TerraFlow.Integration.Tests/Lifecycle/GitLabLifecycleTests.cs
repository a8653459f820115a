using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeGitLab;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// A GitLab merge request from open to applied and merged, through GitLab-shaped webhooks (GitLab's documented
/// payloads) against the GitLab API stand-in, with real PostgreSQL, real git and the Terraform stand-in.
/// </summary>
public sealed class GitLabLifecycleTests : IAsyncLifetime
{
    private const string Project = "acme/platform/infra";
    private const int Iid = 5;
    private readonly HttpClient _http = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-gitlab-lc-" + Guid.NewGuid().ToString("N")[..8]);
    private FakeGitLabServer _gitlab = null!;
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        JobWritableFolder.Create(_work); // the stand-in, run as the job's uid, appends the applies logs here
        _gitlab = await FakeGitLabServer.StartAsync();
        _github = await FakeGitHubServer.StartAsync();
        // This bed's merge requests are opened by "mr-author": a Developer, so they are planned automatically.
        _gitlab.SetMember(Project, "mr-author", 30);
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("gitlab_lifecycle");
    }

    public async Task DisposeAsync()
    {
        await _gitlab.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { } // best effort
    }

    private Task<TerraFlowTestHost> StartHostAsync() => TerraFlowTestHost.StartAsync(_db, _github, Path.Combine(_work, "artifacts"), new Dictionary<string, string>
    {
        ["TerraFlow:GitLab:ApiUrl"] = _gitlab.ApiUrl,
        ["TerraFlow:GitLab:Token"] = _gitlab.Token,
        ["TerraFlow:GitLab:WebhookSecret"] = GitLabWebhooks.Secret,
    });

    private static string MergeRequestHook(string action, string head, string cloneUrl, Action<JsonObject>? edit = null) =>
        GitLabWebhooks.MergeRequest(Project, Iid, action, head, payload =>
        {
            payload["project"]!["git_http_url"] = cloneUrl;
            payload["object_attributes"]!["source"]!["git_http_url"] = cloneUrl;
            payload["object_attributes"]!["target"]!["git_http_url"] = cloneUrl;
            payload["user"]!["username"] = "mr-author";
            edit?.Invoke(payload);
        });

    private async Task<HttpResponseMessage> Send(TerraFlowTestHost host, string eventName, string body, string? idempotencyKey = "", string? token = GitLabWebhooks.Secret) =>
        await GitLabWebhooks.SendAsync(_http, host.BaseUrl, eventName, body, new GitLabWebhooks.Delivery(Token: token, IdempotencyKey: idempotencyKey));

    private async Task<long> Scalar(string sql)
    {
        await using var db = NpgsqlDataSource.Create(_db);
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task WaitForStatus(string project, string status) =>
        Eventually.ValueAsync(() => Scalar($"select count(*) from project_runs p join runs r on r.id = p.run_id where r.provider = 'gitlab' and r.id = (select max(id) from runs) and p.name = '{project}' and p.status = '{status}'"),
            n => n == 1, what: $"{project} {status}");

    private int Applies(string project) => File.Exists(AppliesLog(project)) ? File.ReadAllLines(AppliesLog(project)).Count(l => l.Length > 0) : 0;

    private string AppliesLog(string project) => Path.Combine(_work, $"applies-{project}.log");

    [Fact]
    public async Task A_merge_request_is_planned_approved_applied_and_merged()
    {
        using var repo = new TwoProjectRepo();
        foreach (var p in new[] { "network", "app" })
            repo.Git.Write($"{p}/.standin/behavior.json", "{\"applies_log\": " + System.Text.Json.JsonSerializer.Serialize(AppliesLog(p)) + "}");
        var head = repo.Git.Commit("count applies");
        _gitlab.AddMergeRequest("acme/platform", "infra", Iid, head, repo.BaseSha, author: "mr-author");
        _gitlab.SetMember(Project, "reviewer", 30); // developer: may approve and apply
        _gitlab.SetMember(Project, "guest", 10);
        await using var host = await StartHostAsync();

        // Opened: one note with the plans, a status per project, both edited/updated as plans finish.
        var opened = await Send(host, "Merge Request Hook", MergeRequestHook("open", head, repo.Git.CloneUrl), idempotencyKey: "mr-open-1");
        Assert.Equal(HttpStatusCode.Accepted, opened.StatusCode);
        await WaitForStatus("network", "planned");
        await WaitForStatus("app", "planned");
        var note = await Eventually.ValueAsync(() => _gitlab.Notes(Project, Iid).SingleOrDefault(n => n.Body.Contains("terraflow:run:", StringComparison.Ordinal)),
            n => n is not null && n.Body.Contains("`network`", StringComparison.Ordinal) && n.Body.Contains("`app`", StringComparison.Ordinal), what: "the plan note");
        await Eventually.ValueAsync(() => _gitlab.Statuses.Count(s => s.Sha == head && s.Name.StartsWith("terraflow/plan: ", StringComparison.Ordinal) && s.State == "success"),
            n => n == 2, what: "plan statuses");

        // Redelivery, a bad token and a title-only edit change nothing.
        var runs = await Scalar("select count(*) from runs");
        Assert.Equal(HttpStatusCode.OK, (await Send(host, "Merge Request Hook", MergeRequestHook("open", head, repo.Git.CloneUrl), idempotencyKey: "mr-open-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, "Merge Request Hook", MergeRequestHook("update", head, repo.Git.CloneUrl), token: "wrong")).StatusCode);
        var titleOnly = await Send(host, "Merge Request Hook", MergeRequestHook("update", head, repo.Git.CloneUrl,
            p => p["changes"] = new JsonObject { ["title"] = new JsonObject { ["previous"] = "old", ["current"] = "new" } }));
        Assert.True(titleOnly.IsSuccessStatusCode);
        Assert.Equal(runs, await Scalar("select count(*) from runs"));

        // A guest cannot apply; the author cannot approve; the reviewer approves (GitLab's approve button) and applies.
        await Send(host, "Note Hook", GitLabWebhooks.Note(Project, Iid, "terraflow apply", "guest"));
        await Eventually.ValueAsync(() => _gitlab.Notes(Project, Iid).Any(n => n.Body.Contains("needs write permission", StringComparison.Ordinal)), ok => ok, what: "refusal");
        await Send(host, "Merge Request Hook", MergeRequestHook("approved", head, repo.Git.CloneUrl, p => p["user"]!["username"] = "reviewer"));
        await Eventually.ValueAsync(() => Scalar("select count(*) from audit_events where action = 'approved'"), n => n == 1, what: "approval recorded");
        await Send(host, "Note Hook", GitLabWebhooks.Note(Project, Iid, "terraflow apply", "reviewer"));
        await WaitForStatus("network", "applied");
        await WaitForStatus("app", "applied");
        Assert.Equal((1, 1), (Applies("network"), Applies("app")));
        await Eventually.ValueAsync(() => _gitlab.Statuses.Count(s => s.Name.StartsWith("terraflow/apply: ", StringComparison.Ordinal) && s.State == "success"), n => n == 2, what: "apply statuses");

        // The note was edited in place, not duplicated.
        Assert.Single(_gitlab.Notes(Project, Iid), n => n.Body.Contains("terraflow:run:", StringComparison.Ordinal));
        Assert.Contains("applied", _gitlab.Notes(Project, Iid).Single(n => n.Id == note!.Id).Body, StringComparison.OrdinalIgnoreCase);

        // Merge: the run closes and the locks are released.
        var mr = _gitlab.MergeRequest(Project, Iid)!;
        _gitlab.UpdateMergeRequest(mr with { State = "merged" });
        await Send(host, "Merge Request Hook", MergeRequestHook("merge", head, repo.Git.CloneUrl, p => p["object_attributes"]!["state"] = "merged"));
        await Eventually.ValueAsync(() => Scalar("select count(*) from project_locks"), n => n == 0, what: "locks released");
        Assert.Equal(1, await Scalar("select count(*) from runs where provider = 'gitlab' and status = 'closed' and merged"));
        Assert.Empty(_github.AllComments); // nothing went to GitHub
    }
}
