using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Jobs;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Functions.Engine;
using TerraFlow.Functions.Worker;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeServiceBus;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests;

/// <summary>
/// The real host with <c>TerraFlow:ServiceBus</c> configured: jobs leave PostgreSQL through the dispatch loop, travel
/// over the Service Bus stand-in to the in-process runner, and results come back over the results queue into the
/// workflow inbox. Same pull request, same comment and statuses as with the PostgreSQL queue.
/// </summary>
public sealed class ServiceBusTransportTests : IAsyncLifetime
{
    private const string Owner = "acme";
    private const string Repo = "infra";
    private const int Number = 12;
    private const string JobsQueue = "tf-jobs";
    private const string ResultsQueue = "tf-results";
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private FakeServiceBusServer _bus = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _bus = await FakeServiceBusServer.StartAsync();
        var queue = new FakeQueueSettings { LockDuration = TimeSpan.FromSeconds(30), MaxDeliveryCount = 4, DuplicateDetectionWindow = TimeSpan.FromMinutes(10) };
        _bus.CreateQueue(JobsQueue, queue);
        _bus.CreateQueue(ResultsQueue, queue);
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("sbus");
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    private Dictionary<string, string> ServiceBusSettings() => new()
    {
        ["TerraFlow:ServiceBus:ConnectionString"] = _bus.ConnectionString,
        ["TerraFlow:ServiceBus:JobsQueue"] = JobsQueue,
        ["TerraFlow:ServiceBus:ResultsQueue"] = ResultsQueue,
        ["TerraFlow:ServiceBus:LockDuration"] = "00:00:30",
        ["TerraFlow:ServiceBus:ReceiveTimeout"] = "00:00:01",
        ["TerraFlow:ServiceBus:DrainReceiveTimeout"] = "00:00:00.500",
    };

    [Fact]
    public async Task Readiness_probes_service_bus_and_names_it_when_the_credentials_are_refused()
    {
        await using (var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: ServiceBusSettings()))
        {
            var ok = System.Text.Json.JsonDocument.Parse(await _http.GetStringAsync($"{host.BaseUrl}/api/health")).RootElement;
            Assert.Equal("servicebus", ok.GetProperty("queue").GetProperty("transport").GetString());
            Assert.True(ok.GetProperty("queue").GetProperty("reachable").GetBoolean());
        }

        var wrongKey = ServiceBusSettings();
        wrongKey["TerraFlow:ServiceBus:ConnectionString"] = System.Text.RegularExpressions.Regex.Replace(_bus.ConnectionString, "SharedAccessKey=[^;]+", "SharedAccessKey=" + Convert.ToBase64String(new byte[32]));
        wrongKey["TerraFlow:Runner:InProcess"] = "false";
        await using var broken = await TerraFlowTestHost.StartAsync(_db, _github, settings: wrongKey);
        var response = await _http.GetAsync($"{broken.BaseUrl}/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.GetProperty("queue").GetProperty("reachable").GetBoolean());
        Assert.Contains("401", body.GetProperty("queue").GetProperty("error").GetString());
        Assert.True(body.GetProperty("database").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Pull_request_is_planned_with_jobs_and_results_travelling_over_service_bus()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: ServiceBusSettings());
        Assert.IsType<ServiceBusJobQueue>(host.Services.GetRequiredService<IJobQueue>());

        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
        var response = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "sb-delivery-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var statuses = await Eventually.ValueAsync(
            () => (IReadOnlyList<FakeStatus>)_github.Statuses.Where(s => s.Sha == repo.HeadSha && s.State != "pending").ToList(),
            s => s.Count >= 2, what: "2 final statuses");
        Assert.Equal(["terraflow/plan: app", "terraflow/plan: network"], statuses.Select(s => s.Context).Order());
        Assert.All(statuses, s => Assert.Equal("success", s.State));

        var comment = await Eventually.ValueAsync(
            () => _github.Comments(Owner, Repo, Number),
            c => c.Count == 1 && BothPlansShown(c[0].Body), what: "comment showing both plans");
        var network = CommentTable.Row(comment[0].Body, "network");
        Assert.Equal(("2", "1", "0", "0"), (network["Add"], network["Change"], network["Destroy"], network["Replace"]));
        var app = CommentTable.Row(comment[0].Body, "app");
        Assert.Equal(("0", "0", "1", "1"), (app["Add"], app["Change"], app["Destroy"], app["Replace"]));

        // Every job went through the jobs queue exactly once (1 discover + 2 plans), and was taken off it.
        var jobs = _bus.Queue(JobsQueue);
        Assert.Equal(3, jobs.AcceptedCount);
        await Eventually.ValueAsync(() => jobs.ActiveCount, n => n == 0, what: "jobs completed on the queue");
        Assert.Equal(0, jobs.DeadLetteredCount);
        // Every result came back over the results queue and was drained into the inbox, recorded by message id.
        var results = _bus.Queue(ResultsQueue);
        Assert.Equal(3, results.AcceptedCount);
        await Eventually.ValueAsync(() => results.ActiveCount, n => n == 0, what: "results queue drained");
        Assert.Equal(3L, await GitHubPullRequestTests.Scalar(host, "select count(*) from processed_messages where source = 'JobResults' and outcome = 'accepted'"));
        Assert.Equal(3L, await GitHubPullRequestTests.Scalar(host, "select count(*) from workflow_inbox where kind = 'job_result'"));

        // PostgreSQL handed the jobs to Service Bus and never leased them to a runner itself; each result that came
        // back finished its job row (so the overdue-result sweep leaves it alone).
        Assert.Equal(3L, await GitHubPullRequestTests.Scalar(host, "select count(*) from jobs where status = 'succeeded' and dispatched_at is not null and lease_token is null and finished_at is not null"));
        Assert.Equal(0L, await GitHubPullRequestTests.Scalar(host, "select count(*) from jobs where status <> 'succeeded'"));
        Assert.Equal("planned", await GitHubPullRequestTests.Scalar(host, "select status from runs"));
    }

    [Fact]
    public async Task A_superseded_runs_dispatched_job_is_cancelled_and_its_late_result_is_ignored()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        // No in-process runner: the job waits on the queue, as it would for a slow runner pool.
        var settings = ServiceBusSettings();
        settings["TerraFlow:Runner:InProcess"] = "false";
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: settings);
        var jobs = _bus.Queue(JobsQueue);

        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
        await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "sb-open");
        await Eventually.ValueAsync(() => jobs.AcceptedCount, n => n == 1, what: "discover job on the jobs queue");
        // The row is marked when the dispatch transaction commits, just after the send.
        var firstJob = (long)(await Eventually.ValueAsync(
            () => GitHubPullRequestTests.Scalar(host, "select id from jobs where status = 'dispatched'"), id => id is long, what: "job marked dispatched"))!;

        repo.Git.Write("network/variables.tf", "variable \"cidr\" {}\n");
        var newHead = repo.Git.Commit("second push");
        _github.AddPullRequest(Owner, Repo, Number, newHead, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var push = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, newHead, repo.BaseSha, repo.Git.CloneUrl, "synchronize"));
        await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", push, TerraFlowTestHost.WebhookSecret, "sb-push");
        await Eventually.ValueAsync(() => jobs.AcceptedCount, n => n == 2, what: "new run's discover job on the jobs queue");
        Assert.Equal("cancelled", await GitHubPullRequestTests.Scalar(host, $"select status from jobs where id = {firstJob}"));

        // Service Bus cannot withdraw the message, so a runner still takes and runs the cancelled job...
        var runner = host.Services.GetRequiredService<IJobQueue>();
        var lease = await runner.ClaimAsync("late-runner", CancellationToken.None);
        Assert.NotNull(lease);
        Assert.Equal(firstJob, lease.JobId);
        var late = new JobResult(lease.JobId, lease.Spec.RunId, JobKinds.Discover, new DiscoveryOutcome(false, null, "late result", [], []), null);
        Assert.True(await runner.CompleteAsync(lease, late, CancellationToken.None));

        // ...and its result reaches the inbox, where the state machine ignores it: the run stays superseded.
        await Eventually.ValueAsync(
            () => GitHubPullRequestTests.Scalar(host, $"select count(*) from workflow_inbox where processed_at is not null and (payload->>'jobId')::bigint = {firstJob}"),
            n => (long)n! == 1, what: "late result processed");
        Assert.Equal("superseded", await GitHubPullRequestTests.Scalar(host, $"select status from runs where id = {lease.Spec.RunId}"));
        Assert.Equal("", await GitHubPullRequestTests.Scalar(host, $"select coalesce(failure_message, '') from runs where id = {lease.Spec.RunId}"));
    }

    [Fact]
    public async Task The_Timers_function_sends_queued_jobs_when_no_engine_loop_runs()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        // As a Function App scaled to zero: no engine loops, so only the Timers function moves jobs out.
        var settings = ServiceBusSettings();
        settings["TerraFlow:Engine:Enabled"] = "false";
        settings["TerraFlow:Runner:InProcess"] = "false";
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: settings);
        var payload = GitHubWebhooks.PullRequest(new(Owner, Repo, Number, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
        await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", payload, TerraFlowTestHost.WebhookSecret, "sb-timers");
        // No job yet: who opened the pull request is checked first (issue 9), in the engine pass the Timers function runs.
        Assert.Equal(0L, await GitHubPullRequestTests.Scalar(host, "select count(*) from jobs"));
        Assert.Equal(1L, await GitHubPullRequestTests.Scalar(host, "select count(*) from workflow_inbox where kind = 'trust_check' and processed_at is null"));

        // The isolated worker's Timers function, invoked in-process over this host's services.
        var timers = new TimersFunction(host.Services, NullLogger<TimersFunction>.Instance);
        await timers.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(1, timers.LastPass!.JobsDispatched);
        Assert.Equal("dispatched", await GitHubPullRequestTests.Scalar(host, "select status from jobs"));
        var message = Assert.Single(_bus.Queue(JobsQueue).Messages);
        var jobId = (long)(await GitHubPullRequestTests.Scalar(host, "select id from jobs"))!;
        Assert.Equal(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), message.MessageId);
    }

    [Fact]
    public async Task A_result_delivered_twice_reaches_the_inbox_once()
    {
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: ServiceBusSettings());
        var loop = host.Services.GetServices<IHostedService>().OfType<ServiceBusResultsLoop>().Single();
        var result = new JobResult(41, 7, JobKinds.Discover, new DiscoveryOutcome(false, null, "boom", [], []), null);

        await loop.HandleAsync(new("41-1", 1, result), CancellationToken.None);
        await loop.HandleAsync(new("41-1", 2, result), CancellationToken.None);
        await loop.HandleAsync(new("41-1", 1, result with { JobId = 0 }), CancellationToken.None);
        await loop.HandleAsync(new("42-1", 1, result with { JobId = -1 }), CancellationToken.None);

        Assert.Equal(1L, await GitHubPullRequestTests.Scalar(host, "select count(*) from workflow_inbox where kind = 'job_result'"));
        Assert.Equal("rejected", await GitHubPullRequestTests.Scalar(host, "select outcome from processed_messages where message_id = '42-1'"));
    }

    [Fact]
    public void Without_service_bus_settings_the_postgres_queue_stays_the_transport()
    {
        var empty = new ConfigurationBuilder().Build();
        Assert.Null(JobTransport.ServiceBus(empty));
        var services = new ServiceCollection();
        Assert.Null(services.AddJobQueue(empty));
        Assert.Contains(services, d => d.ImplementationType == typeof(PostgresJobQueue));

        var namespaceOnly = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["TerraFlow:ServiceBus:FullyQualifiedNamespace"] = "contoso.servicebus.windows.net" }).Build();
        Assert.Equal("contoso.servicebus.windows.net", JobTransport.ServiceBus(namespaceOnly)?.FullyQualifiedNamespace);
    }

    private static bool BothPlansShown(string body)
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
}
