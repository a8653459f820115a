using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;
using static TerraFlow.Integration.Tests.Telemetry.TelemetryItem;

namespace TerraFlow.Integration.Tests.Telemetry;

/// <summary>
/// With APPLICATIONINSIGHTS_CONNECTION_STRING set, the real host exports through OpenTelemetry and the Azure Monitor
/// exporter to a local stand-in of the ingestion endpoint: a pull request's webhook request, its PostgreSQL calls,
/// the runner's jobs (children of that request, one operation), HttpClient calls, the existing metrics and logs
/// arrive, and no secret is in any of them.
/// </summary>
public sealed class OpenTelemetryExportTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private FakeIngestionEndpoint _ingestion = null!;
    private string _db = null!;

    static OpenTelemetryExportTests()
    {
        // Statsbeat reports to Microsoft's own endpoints, never to the connection string's: nothing may leave the machine.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
    }

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _ingestion = await FakeIngestionEndpoint.StartAsync();
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("otel");
    }

    public async Task DisposeAsync()
    {
        await _ingestion.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Webhook_request_runner_jobs_dependencies_metrics_and_logs_reach_ingestion_as_one_operation()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest("acme", "infra", 11, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, settings: new Dictionary<string, string>
        {
            // A configuration key, not an environment variable: other tests' hosts in this process stay untouched.
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = _ingestion.ConnectionString,
            // Nothing left on disk for a later run to send to an endpoint that no longer exists.
            ["TerraFlow:Telemetry:OfflineStorage"] = "false",
            // The host logs warnings to the console; the runner's job lines go to Application Insights.
            ["Logging:OpenTelemetry:LogLevel:TerraFlow"] = "Information",
        });
        var flush = new Flush(host.Services);
        IReadOnlyList<JsonElement> Items()
        {
            flush.All();
            return _ingestion.Items;
        }

        var body = GitHubWebhooks.PullRequest(new("acme", "infra", 11, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
        var response = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", body, TerraFlowTestHost.WebhookSecret, "otel-delivery-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt64();

        // The webhook request, named by its host's route, answered 202; its operation id is what everything else shares.
        var request = (await Eventually.ValueAsync(() => Items(),
            items => items.Any(i => BaseType(i) == "RequestData" && Property(i, "terraflow.delivery_id") == "otel-delivery-1"),
            what: "the webhook request item")).First(i => BaseType(i) == "RequestData" && Property(i, "terraflow.delivery_id") == "otel-delivery-1");
        Assert.Equal("POST /api/webhooks/github", Name(request));
        Assert.Equal("202", Field(request, "responseCode"));
        Assert.Equal("terraflow-functions", Role(request));
        Assert.Equal(FakeIngestionEndpoint.InstrumentationKey, request.GetProperty("iKey").GetString());
        var operationId = OperationId(request)!;
        Assert.Matches("^[0-9a-f]{32}$", operationId);
        var requestSpanId = Field(request, "id");

        // The run stores the request's W3C traceparent: trace id = the operation id, span id = the request.
        await using (var cmd = host.Database.CreateCommand($"select operation_id from runs where id = {runId}"))
        {
            var stored = (string?)await cmd.ExecuteScalarAsync();
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", stored);
            Assert.StartsWith($"00-{operationId}-{requestSpanId}-", stored);
            Assert.Equal(operationId, TerraFlowTelemetry.OperationIdOf(stored!));
        }

        // The intake transaction's queries are PostgreSQL dependencies inside the webhook's operation.
        await Eventually.ValueAsync(() => Items(),
            items => items.Any(i => BaseType(i) == "RemoteDependencyData" && string.Equals(Field(i, "type"), "postgresql", StringComparison.OrdinalIgnoreCase) && OperationId(i) == operationId),
            what: "a PostgreSQL dependency under the webhook's operation");

        // The runner's discover job and both plan jobs continue the operation; the discover job is a child of the request.
        var jobs = await Eventually.ValueAsync(() => Items().Where(i => BaseType(i) == "RequestData" && Name(i)!.StartsWith("job ", StringComparison.Ordinal)).ToList(),
            items => items.Count(i => Name(i) == "job plan" && OperationId(i) == operationId) >= 2 && items.Any(i => Name(i) == "job discover" && OperationId(i) == operationId),
            what: "discover and plan job items under the webhook's operation");
        Assert.All(jobs.Where(j => OperationId(j) == operationId), j => Assert.Equal("True", Field(j, "success"), ignoreCase: true));
        Assert.All(jobs.Where(j => OperationId(j) == operationId), j => Assert.Equal(runId.ToString(), Property(j, "terraflow.run.id")));
        Assert.Equal(requestSpanId, ParentId(jobs.Single(j => Name(j) == "job discover" && OperationId(j) == operationId)));

        // HttpClient calls: the outbox's GitHub API calls (comment, statuses) are HTTP dependencies on the stand-in.
        var gitHubAuthority = new Uri(_github.ApiUrl).Authority;
        await Eventually.ValueAsync(() => Items(),
            items => items.Any(i => BaseType(i) == "RemoteDependencyData" && Field(i, "type") == "Http" && Field(i, "target") == gitHubAuthority),
            what: "an HttpClient dependency on the GitHub API");

        // The metrics operators watch, under their existing names. Other tests' hosts may record into the same
        // process-wide meter, so presence (not exact counts) is asserted.
        var metrics = await Eventually.ValueAsync(() => (IReadOnlyList<JsonElement>)new ItemList(Items().Where(i => BaseType(i) == "MetricData")),
            items => new[] { "webhooks.received", "webhook.ack.duration", "runs.started", "job.queue.wait", "job.duration", "runs.finished" }
                .All(n => items.Any(i => Name(i) == n)),
            what: "webhook, run and job metrics");
        Assert.Contains(metrics, m => Name(m) == "webhooks.received" && Property(m, "outcome") == "accepted");
        Assert.Contains(metrics, m => Name(m) == "runs.finished" && Property(m, "status") == "planned");
        Assert.Contains(metrics, m => Name(m) == "job.duration" && Property(m, "kind") == "plan");

        // Logs: the runner's job lines are traces of the same operation, with the job's scope as dimensions.
        var logs = await Eventually.ValueAsync(() => Items().Where(i => BaseType(i) == "MessageData" && OperationId(i) == operationId).ToList(),
            items => items.Any(i => Field(i, "message")?.Contains("(discover, run", StringComparison.Ordinal) == true),
            what: "the runner's log line for the discover job under the webhook's operation");
        Assert.Contains(logs, l => Property(l, "RunId") == runId.ToString());

        // No secret reaches telemetry: not the webhook secret, not the GitHub token, not the database password.
        var password = new Npgsql.NpgsqlConnectionStringBuilder(_db).Password;
        foreach (var secret in new[] { TerraFlowTestHost.WebhookSecret, _github.Token, password }.Where(s => !string.IsNullOrEmpty(s)))
            Assert.DoesNotContain(secret!, _ingestion.RawBodies);
    }

    [Fact]
    public async Task A_separate_runner_process_exports_its_jobs_as_children_of_the_webhook_request()
    {
        using var repo = new TwoProjectRepo();
        _github.AddPullRequest("acme", "infra", 12, repo.HeadSha, repo.BaseSha, headCloneUrl: repo.Git.CloneUrl);
        var artifacts = Path.Combine(Path.GetTempPath(), "terraflow-otel-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await TerraFlowTestHost.StartAsync(_db, _github, artifacts, new Dictionary<string, string>
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = _ingestion.ConnectionString,
            ["TerraFlow:Telemetry:OfflineStorage"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        });

        // The runner program, as a container runs it: the connection string comes from the environment.
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Runner.dll"));
        psi.Environment[TelemetryServiceCollectionExtensions.ConnectionStringSetting] = _ingestion.ConnectionString;
        psi.Environment["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true";
        psi.Environment["TerraFlow__Telemetry__OfflineStorage"] = "false";
        psi.Environment["ConnectionStrings__Postgres"] = _db;
        psi.Environment["TerraFlow__CloneUrls__AllowLocalPaths"] = "true";
        psi.Environment["TerraFlow__ArtifactsPath"] = artifacts;
        psi.Environment["TerraFlow__GitHub__ApiUrl"] = _github.ApiUrl;
        psi.Environment["TerraFlow__GitHub__Token"] = _github.Token;
        psi.Environment["TerraFlow__Runner__TerraformPath"] = RepoPaths.TerraformStandIn;
        psi.Environment["TerraFlow__Runner__PollInterval"] = "00:00:00.200";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var runner = Process.Start(psi)!;
        runner.OutputDataReceived += (_, _) => { };
        runner.ErrorDataReceived += (_, _) => { };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        try
        {
            var body = GitHubWebhooks.PullRequest(new("acme", "infra", 12, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl, "opened"));
            var response = await GitHubWebhooks.SendAsync(_http, host.BaseUrl, "pull_request", body, TerraFlowTestHost.WebhookSecret, "otel-delivery-2");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var flush = new Flush(host.Services);

            var request = (await Eventually.ValueAsync(() => { flush.All(); return _ingestion.Items; },
                items => items.Any(i => BaseType(i) == "RequestData" && Property(i, "terraflow.delivery_id") == "otel-delivery-2"),
                what: "the webhook request item")).First(i => BaseType(i) == "RequestData" && Property(i, "terraflow.delivery_id") == "otel-delivery-2");
            var operationId = OperationId(request);

            // The runner exports on its own schedule (a batch every few seconds); its jobs are in the same operation.
            var jobs = await Eventually.ValueAsync(() => _ingestion.Items.Where(i => BaseType(i) == "RequestData" && OperationId(i) == operationId && Name(i)!.StartsWith("job ", StringComparison.Ordinal)).ToList(),
                items => items.Count(i => Name(i) == "job plan") >= 2 && items.Any(i => Name(i) == "job discover"),
                what: "the separate runner's job items under the webhook's operation");
            Assert.All(jobs, j => Assert.Equal("terraflow-runner", Role(j)));
            Assert.Equal(Field(request, "id"), ParentId(jobs.Single(j => Name(j) == "job discover")));
            // Its own calls (the PostgreSQL queue's completion, inside the job) are dependencies of that operation too.
            await Eventually.ValueAsync(() => _ingestion.Items,
                items => items.Any(i => BaseType(i) == "RemoteDependencyData" && Role(i) == "terraflow-runner" && OperationId(i) == operationId),
                what: "a dependency from the runner process under the webhook's operation");
        }
        finally
        {
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync();
        }
    }

    /// <summary>Forces the exporter's batches out (traces, metrics, logs) before each look at the stand-in.</summary>
    private sealed class Flush(IServiceProvider services)
    {
        private readonly TracerProvider _traces = services.GetRequiredService<TracerProvider>();
        private readonly MeterProvider _metrics = services.GetRequiredService<MeterProvider>();
        private readonly LoggerProvider _logs = services.GetRequiredService<LoggerProvider>();

        public void All()
        {
            _traces.ForceFlush(5000);
            _metrics.ForceFlush(5000);
            _logs.ForceFlush(5000);
        }
    }

    /// <summary>A list whose ToString names the items, so a timeout says what did arrive.</summary>
    private sealed class ItemList(IEnumerable<JsonElement> items) : List<JsonElement>(items)
    {
        public override string ToString() => string.Join(", ", this.Select(i => $"{Name(i)}[{Field(i, "properties")}]").Distinct());
    }
}
