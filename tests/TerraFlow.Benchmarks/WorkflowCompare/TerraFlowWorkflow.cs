using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Functions;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Testing;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

using TerraFlow.Benchmarks.Load;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// TerraFlow's own engine, as the load command drives it: a real host (HTTP, PostgreSQL, the GitHub API stand-in)
/// with an in-process runner of instant jobs. A pull request starts with a signed <c>pull_request</c> webhook and is
/// approved with a signed <c>issue_comment</c> webhook (<c>terraflow apply</c> by a writer), both acknowledged only
/// after their transaction commits. Milestones are read from the committed workflow state, one query every
/// <see cref="PollInterval"/> for every pull request in flight.
/// </summary>
internal sealed class TerraFlowWorkflow : IWorkflowUnderTest
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private const string Secret = "workflow-compare-secret";
    private const string Owner = "bench";
    private const string Repo = "repo";
    private const string Approver = "approver";

    private readonly FakeGitHubServer _github;
    private readonly WebApplication _app;
    private readonly string _baseUrl;
    private readonly NpgsqlDataSource _db;
    private readonly HttpClient _http;
    private readonly Milestones _milestones;
    private readonly int _projects;
    private readonly JsonObject _pullRequestTemplate;
    private readonly JsonObject _commentTemplate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;
    private long _commentId;

    private TerraFlowWorkflow(FakeGitHubServer github, WebApplication app, Milestones milestones, int projects, int concurrency)
    {
        _github = github;
        _app = app;
        _milestones = milestones;
        _projects = projects;
        _baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _db = app.Services.GetRequiredService<NpgsqlDataSource>();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        _pullRequestTemplate = Fixture("pull_request/opened.payload.json");
        _commentTemplate = Fixture("issue_comment/created.payload.json");
        _poller = Task.Run(() => PollAsync(_stop.Token));
    }

    public string Name => "TerraFlow (PostgreSQL)";

    public static async Task<TerraFlowWorkflow> StartAsync(Milestones milestones, int projects, int concurrency, int workers)
    {
        var github = await FakeGitHubServer.StartAsync();
        github.SetPermissionOnEveryRepository("Codertocat", "write"); // the payload's author: planned automatically
        github.SetPermissionOnEveryRepository(Approver, "write");
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("wfcompare");
        var settings = BenchmarkHostSettings.For(db, github, Secret, "wfcompare");
        var app = await TerraFlowApp.BuildAsync(settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(), builder =>
        {
            // The same runner settings as the load command: `workers` jobs at once, 200 ms idle poll (a NOTIFY wakes it sooner).
            builder.Services.AddSingleton(new RunnerOptions { Concurrency = workers, PollInterval = TimeSpan.FromMilliseconds(200) });
            builder.Services.AddSingleton<IJobHandler>(new ChainedDiscoverHandler(projects));
            builder.Services.AddSingleton<IJobHandler, InstantPlanWithArtifactsHandler>();
            builder.Services.AddSingleton<IJobHandler, InstantApplyHandler>();
            builder.Services.AddSingleton<JobRunner>();
            builder.Services.AddHostedService<RunnerHostedService>();
        });
        await app.StartAsync();
        return new TerraFlowWorkflow(github, app, milestones, projects, concurrency);
    }

    public async Task StartAsync(int number, CancellationToken ct)
    {
        _github.AddPullRequest(Owner, Repo, number, Sha(number), Sha(0));
        var payload = _pullRequestTemplate.DeepClone().AsObject();
        payload["number"] = number;
        payload["pull_request"]!["number"] = number;
        payload["pull_request"]!["head"]!["sha"] = Sha(number);
        payload["pull_request"]!["base"]!["sha"] = Sha(0);
        payload["repository"]!["name"] = Repo;
        payload["repository"]!["owner"]!["login"] = Owner;
        await SendAsync("pull_request", payload, 202, ct);
    }

    public async Task ApproveAsync(int number, CancellationToken ct)
    {
        var payload = _commentTemplate.DeepClone().AsObject();
        var written = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        payload["comment"]!["id"] = Interlocked.Increment(ref _commentId);
        payload["comment"]!["created_at"] = written;
        payload["comment"]!["updated_at"] = written;
        payload["comment"]!["body"] = "terraflow apply";
        payload["comment"]!["user"]!["login"] = Approver;
        payload["issue"]!["number"] = number;
        payload["issue"]!["pull_request"] ??= new JsonObject { ["url"] = $"https://api.github.com/repos/{Owner}/{Repo}/pulls/{number}" };
        payload["repository"]!["name"] = Repo;
        payload["repository"]!["full_name"] = $"{Owner}/{Repo}";
        payload["repository"]!["owner"]!["login"] = Owner;
        await SendAsync("issue_comment", payload, 202, ct);
    }

    public async Task<string> VerifyAsync(int pullRequests, CancellationToken ct)
    {
        // Every apply succeeded, and each project's apply job was queued only after the one before it had finished.
        await using var cmd = _db.CreateCommand("""
            select (select count(*) from jobs where kind = 'apply' and status = 'succeeded'),
                   (select count(*) from jobs a join jobs b on a.run_id = b.run_id
                    where a.kind = 'apply' and b.kind = 'apply'
                      and a.project_name = 'project-' || (substring(b.project_name from 9)::int + 1)
                      and (b.finished_at is null or a.created_at < b.finished_at))
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (applied, outOfOrder) = (reader.GetInt64(0), reader.GetInt64(1));
        var expected = (long)pullRequests * _projects;
        if (applied != expected || outOfOrder != 0)
            throw new InvalidOperationException($"{Name}: {applied} of {expected} applies succeeded, {outOfOrder} started before the project before them finished");
        return $"{applied} applies succeeded, each queued after the previous project's apply finished";
    }

    /// <summary>Waiting for approval: the run is planned with all N plans recorded. Done: all N applies recorded.</summary>
    private async Task PollAsync(CancellationToken ct)
    {
        const string sql = """
            select r.pr_number,
                   bool_and(r.status = 'planned') and count(*) filter (where p.status = 'planned') = $2 as awaiting,
                   count(*) filter (where p.status = 'applied') = $2 as done
            from runs r join project_runs p on p.run_id = r.id
            where r.pr_number = any($1)
            group by r.pr_number
            """;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var inFlight = _milestones.InFlight();
                if (inFlight.Length > 0)
                {
                    await using var cmd = _db.CreateCommand(sql);
                    cmd.Parameters.AddWithValue(inFlight);
                    cmd.Parameters.AddWithValue((long)_projects);
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        var number = reader.GetInt32(0);
                        if (reader.GetBoolean(1)) _milestones.AwaitingApproval(number);
                        if (reader.GetBoolean(2)) _milestones.Done(number);
                    }
                }
                await Task.Delay(PollInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task SendAsync(string eventName, JsonObject payload, int expected, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, _baseUrl + "/api/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", GitHubWebhookVerifier.ComputeSignature(Secret, body));
        using var response = await _http.SendAsync(request, ct);
        if ((int)response.StatusCode != expected)
            throw new InvalidOperationException($"{eventName} webhook: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static string Sha(int n) => n.ToString("x").PadLeft(40, 'a');

    private static JsonObject Fixture(string relative) =>
        JsonNode.Parse(File.ReadAllText(RepoLayout.SharedFixture("octokit-webhooks/payload-examples/api.github.com/" + relative)))!.AsObject();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _poller;
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _github.DisposeAsync();
        _stop.Dispose();
    }
}
