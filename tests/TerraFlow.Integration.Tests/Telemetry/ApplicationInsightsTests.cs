using System.Net;
using System.Text.Json;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;
using static TerraFlow.Integration.Tests.Telemetry.TelemetryItem;

namespace TerraFlow.Integration.Tests.Telemetry;

/// <summary>
/// With APPLICATIONINSIGHTS_CONNECTION_STRING set, a pull request's webhook request, its database calls, the
/// runner's jobs and the workflow metrics reach the ingestion endpoint, all under the webhook request's operation id.
/// </summary>
public sealed class ApplicationInsightsTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private FakeIngestionEndpoint _ingestion = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _ingestion = await FakeIngestionEndpoint.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("appins");
    }

    public async Task DisposeAsync()
    {
        await _ingestion.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Webhook_request_runner_jobs_and_metrics_share_one_operation_id()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest("acme", "infra", 11, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string>
        {
            // A configuration key, not an environment variable: other tests' hosts in this process stay untouched.
            [AppInsightsConnectionString.SettingName] = _ingestion.ConnectionString,
            ["TerraFlow:Telemetry:FlushInterval"] = "00:00:00.200",
        });

        var body = GitHubWebhooks.PullRequest(new("acme", "infra", 11, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
        var response = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", body, TerraFlowTestHost.WebhookSecret, "appins-delivery-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt64();

        // The webhook request, named by its route, answered 202, with the operation id everything else must share.
        var request = (await Eventually.ValueAsync(() => _ingestion.Items,
            items => items.Any(i => BaseType(i) == "RequestData" && Name(i) == "POST /api/webhooks/github" && Property(i, "terraflow.delivery_id") == "appins-delivery-1"),
            what: "the webhook request item")).First(i => Property(i, "terraflow.delivery_id") == "appins-delivery-1");
        Assert.Equal("202", Field(request, "responseCode"));
        Assert.Equal("terraflow-functions", Role(request));
        Assert.StartsWith($"Microsoft.ApplicationInsights.{FakeIngestionEndpoint.InstrumentationKey.Replace("-", "")}.", request.GetProperty("name").GetString());
        Assert.Equal(FakeIngestionEndpoint.InstrumentationKey, request.GetProperty("iKey").GetString());
        var operationId = OperationId(request);
        Assert.Matches("^[0-9a-f]{32}$", operationId);

        // The run stores the trace id as its operation id; the delivery id stays in the audit trail.
        await using (var cmd = host.Database.CreateCommand($"select operation_id from runs where id = {runId}"))
            Assert.Equal(operationId, (string?)await cmd.ExecuteScalarAsync());
        Assert.Contains("appins-delivery-1", await _http.GetStringAsync($"{host.BaseUrl}/api/runs/{runId}/events"));

        // The intake transaction's queries are PostgreSQL dependencies of that request.
        await Eventually.ValueAsync(() => _ingestion.Items,
            items => items.Any(i => BaseType(i) == "RemoteDependencyData" && Field(i, "type") == "PostgreSQL" && OperationId(i) == operationId),
            what: "a PostgreSQL dependency under the webhook's operation");

        // The runner's discover job and both plan jobs continue the same operation.
        var jobs = await Eventually.ValueAsync(() => _ingestion.Items.Where(i => BaseType(i) == "RequestData" && OperationId(i) == operationId && Name(i)!.StartsWith("job ")).ToList(),
            items => items.Count(i => Name(i) == "job plan") >= 2 && items.Any(i => Name(i) == "job discover"),
            what: "discover and plan job items under the webhook's operation");
        Assert.All(jobs, j => Assert.Equal("true", Field(j, "success")));
        Assert.All(jobs, j => Assert.Equal(runId.ToString(), Property(j, "terraflow.run.id")));

        // The outbox's calls to the GitHub API are GitHub dependencies (the stand-in's address is the configured API).
        var gitHubAuthority = new Uri(_github.ApiUrl).Authority;
        await Eventually.ValueAsync(() => _ingestion.Items,
            items => items.Any(i => BaseType(i) == "RemoteDependencyData" && Field(i, "type") == "GitHub" && Field(i, "target") == gitHubAuthority),
            what: "a GitHub dependency");

        // Metrics operators watch, aggregated per interval. Other tests' hosts may record into the same process-wide
        // meter, so only presence (not exact counts) is asserted for the shared instruments.
        var metrics = await Eventually.ValueAsync(() => (IReadOnlyList<JsonElement>)new ItemList(_ingestion.Items.Where(i => BaseType(i) == "MetricData")),
            items => new[] { "webhooks.received", "webhook.ack.duration", "runs.started", "job.queue.wait", "job.duration", "runs.finished" }
                .All(n => items.Any(i => Name(i) == n)),
            what: "webhook, run and job metrics");
        Assert.Contains(metrics, m => Name(m) == "webhooks.received" && Property(m, "outcome") == "accepted");
        Assert.Contains(metrics, m => Name(m) == "runs.finished" && Property(m, "status") == "planned");
        Assert.Contains(metrics, m => Name(m) == "job.duration" && Property(m, "kind") == "plan");
    }

    [Theory]
    [InlineData("InstrumentationKey=abc;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://x/", "abc", "https://westeurope-5.in.applicationinsights.azure.com/v2.1/track")]
    [InlineData("InstrumentationKey=abc;IngestionEndpoint=http://127.0.0.1:5000", "abc", "http://127.0.0.1:5000/v2.1/track")]
    [InlineData("InstrumentationKey=abc", "abc", "https://dc.services.visualstudio.com/v2.1/track")]
    public void Connection_string_gives_key_and_track_address(string value, string key, string track)
    {
        var parsed = AppInsightsConnectionString.Parse(value)!;
        Assert.Equal(key, parsed.InstrumentationKey);
        Assert.Equal(track, parsed.TrackUri.ToString());
    }

    [Fact]
    public void Empty_connection_string_turns_telemetry_off_and_a_broken_one_fails_loudly()
    {
        Assert.Null(AppInsightsConnectionString.Parse(null));
        Assert.Null(AppInsightsConnectionString.Parse("  "));
        Assert.Throws<FormatException>(() => AppInsightsConnectionString.Parse("IngestionEndpoint=https://x/"));
        Assert.Throws<FormatException>(() => AppInsightsConnectionString.Parse("InstrumentationKey"));
    }

    /// <summary>A list whose ToString names the items, so a timeout says what did arrive.</summary>
    private sealed class ItemList(IEnumerable<JsonElement> items) : List<JsonElement>(items)
    {
        public override string ToString() => string.Join(", ", this.Select(i => $"{Name(i)}[{i.GetProperty("data").GetProperty("baseData").GetProperty("properties")}]").Distinct());
    }
}
