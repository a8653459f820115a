using System.Net;
using Npgsql;
using TerraFlow.Integration.Tests.GitLab;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeGitLab;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 1 on GitLab: a fork merge request by a non-member was planned automatically. Now it waits until a
/// member with Developer access (or more) comments <c>terraflow plan</c>, which authorizes that head commit only.
/// </summary>
public sealed class GitLabForkMergeRequestTests : IAsyncLifetime
{
    private const string Project = "acme/platform/infra";
    private const string Fork = "mallory/infra";
    private const int Iid = 9;
    private readonly HttpClient _http = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-gitlab-fork-" + Guid.NewGuid().ToString("N")[..8]);
    private FakeGitLabServer _gitlab = null!;
    private FakeGitHubServer _github = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _gitlab = await FakeGitLabServer.StartAsync();
        _github = await FakeGitHubServer.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("gitlab_fork");
    }

    public async Task DisposeAsync()
    {
        await _gitlab.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { } // best effort
    }

    private async Task<long> Scalar(string sql)
    {
        await using var db = NpgsqlDataSource.Create(_db);
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<HttpResponseMessage> Send(TerraFlowTestHost host, string eventName, string body) =>
        GitLabWebhooks.SendAsync(_http, host.BaseUrl, eventName, body, new GitLabWebhooks.Delivery());

    [Fact]
    public async Task A_fork_merge_request_by_a_non_member_waits_for_a_developers_terraflow_plan()
    {
        using var repo = new TwoProjectRepo();
        _gitlab.AddMergeRequest("acme/platform", "infra", Iid, repo.HeadSha, repo.BaseSha, author: "mallory", sourceProject: Fork);
        _gitlab.SetCloneUrl(Fork, repo.Git.CloneUrl);
        _gitlab.SetCloneUrl(Project, repo.Git.CloneUrl);
        _gitlab.SetMember(Project, "maintainer", 40);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, Path.Combine(_work, "artifacts"), new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = _gitlab.ApiUrl,
            ["TerraFlow:GitLab:Token"] = _gitlab.Token,
            ["TerraFlow:GitLab:WebhookSecret"] = GitLabWebhooks.Secret,
        });

        var opened = GitLabWebhooks.MergeRequest(Project, Iid, "open", repo.HeadSha, payload =>
        {
            var attributes = payload["object_attributes"]!;
            attributes["source_project_id"] = 9901;
            attributes["source"]!["git_http_url"] = repo.Git.CloneUrl;
            attributes["source"]!["path_with_namespace"] = Fork;
            // GitLab keeps a fork's commits in the target project too; TerraFlow clones only the project itself.
            payload["project"]!["git_http_url"] = repo.Git.CloneUrl;
            payload["user"]!["username"] = "mallory";
        });
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, "Merge Request Hook", opened)).StatusCode);

        var waiting = await Eventually.ValueAsync(() => _gitlab.Notes(Project, Iid).FirstOrDefault(n => n.Body.Contains("The plan did not start", StringComparison.Ordinal)),
            n => n is not null, what: "the note saying why nothing was planned");
        Assert.Contains("this pull request comes from a fork", waiting!.Body);
        Assert.Contains("comment `terraflow plan`", waiting.Body);
        Assert.Equal(_gitlab.TokenUser, waiting.Author);
        Assert.Equal(0, await Scalar("select count(*) from jobs"));

        // The fork's author cannot authorize herself.
        await Send(host, "Note Hook", GitLabWebhooks.Note(Project, Iid, "terraflow plan", "mallory"));
        await Eventually.ValueAsync(() => _gitlab.Notes(Project, Iid).Any(n => n.Body.Contains("@mallory needs write access", StringComparison.Ordinal)), ok => ok, what: "refusal");
        Assert.Equal(0, await Scalar("select count(*) from jobs"));

        // A maintainer does: exactly this head commit is planned.
        await Send(host, "Note Hook", GitLabWebhooks.Note(Project, Iid, "terraflow plan", "maintainer"));
        await Eventually.ValueAsync(() => Scalar("select count(*) from project_runs p where p.run_id = (select max(id) from runs) and p.status = 'planned'"),
            n => n == 2, what: "both projects planned");
        Assert.Equal(1, await Scalar($"select count(*) from plan_authorizations where provider = 'gitlab' and head_sha = '{repo.HeadSha}' and authorized_by = 'maintainer'"));
    }
}
