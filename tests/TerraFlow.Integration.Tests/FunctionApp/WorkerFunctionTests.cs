using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Outbox;
using TerraFlow.Functions.Worker;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.FunctionApp;

/// <summary>
/// The isolated worker's function classes, invoked in-process over the real host's services and database (the
/// Functions host itself cannot run here): each reaches the same handler as the standalone route and answers the
/// same; the Timers function drains work by itself; every standalone route is a function with the same methods.
/// </summary>
public sealed class WorkerFunctionTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private TerraFlowTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("worker");
        _host = await TerraFlowTestHost.StartAsync(db, _github, settings: new Dictionary<string, string>
        {
            // The engine loops idle for an hour unless notified, so only a Timers invocation moves rows written
            // without a notification.
            ["TerraFlow:Engine:PollInterval"] = "01:00:00",
            ["TerraFlow:Runner:InProcess"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task The_github_webhook_function_verifies_and_stores_through_the_shared_pipeline()
    {
        var body = Encoding.UTF8.GetBytes("""{"zen":"Design for failure.","hook_id":2}""");
        var delivery = Guid.NewGuid().ToString();

        var (status, json) = await InvokeAsync(http => new WebhookFunctions().GitHubAsync(http.Request, CancellationToken.None),
            HttpMethods.Post, "/api/webhooks/github", body, new()
            {
                ["X-GitHub-Event"] = "ping",
                ["X-GitHub-Delivery"] = delivery,
                ["X-Hub-Signature-256"] = GitHubWebhookVerifier.ComputeSignature(TerraFlowTestHost.WebhookSecret, body),
            });

        Assert.Equal(200, status);
        Assert.Equal(("ignored", "pong"), (json.GetProperty("status").GetString(), json.GetProperty("reason").GetString()));
        Assert.Equal(1L, await CountAsync($"select count(*) from webhook_deliveries where provider = 'github' and delivery_id = '{delivery}'"));

        // A forged delivery gets the pipeline's 401 and stores nothing.
        var forged = Guid.NewGuid().ToString();
        var (refused, answer) = await InvokeAsync(http => new WebhookFunctions().GitHubAsync(http.Request, CancellationToken.None),
            HttpMethods.Post, "/api/webhooks/github", body, new()
            {
                ["X-GitHub-Event"] = "ping",
                ["X-GitHub-Delivery"] = forged,
                ["X-Hub-Signature-256"] = GitHubWebhookVerifier.ComputeSignature("not the secret", body),
            });
        Assert.Equal(401, refused);
        Assert.Equal("rejected", answer.GetProperty("status").GetString());
        Assert.Equal(0L, await CountAsync($"select count(*) from webhook_deliveries where delivery_id = '{forged}'"));
    }

    [Fact]
    public async Task The_generic_webhook_function_refuses_an_unregistered_host_like_the_standalone_route()
    {
        var (status, json) = await InvokeAsync(http => new WebhookFunctions().AnyHostAsync(http.Request, "bitbucket", CancellationToken.None),
            HttpMethods.Post, "/api/webhooks/bitbucket", Encoding.UTF8.GetBytes("{}"), []);
        using var standalone = await _http.PostAsync($"{_host.BaseUrl}/api/webhooks/bitbucket", new ByteArrayContent(Encoding.UTF8.GetBytes("{}")));

        Assert.Equal(404, status);
        Assert.Equal((int)standalone.StatusCode, status);
        Assert.Equal(JsonDocument.Parse(await standalone.Content.ReadAsStringAsync()).RootElement.GetRawText(), json.GetRawText());
    }

    [Fact]
    public async Task The_run_and_health_functions_answer_like_the_standalone_routes()
    {
        // Anonymous at the Functions host, so the function itself refuses a request without a console session.
        var (anonymous, refusal) = await InvokeAsync(http => new ApiFunctions().RunAsync(http.Request, 987654, CancellationToken.None), HttpMethods.Get, "/api/runs/987654", null, []);
        Assert.Equal(401, anonymous);
        Assert.True(refusal.TryGetProperty("error", out _));
        using var signedIn = await _host.ConsoleClientAsync();
        var cookie = string.Join("; ", signedIn.DefaultRequestHeaders.GetValues("Cookie"));
        var (status, json) = await InvokeAsync(http => new ApiFunctions().RunAsync(http.Request, 987654, CancellationToken.None), HttpMethods.Get, "/api/runs/987654", null, new() { ["Cookie"] = cookie });
        using var standalone = await signedIn.GetAsync($"{_host.BaseUrl}/api/runs/987654");
        Assert.Equal(HttpStatusCode.NotFound, standalone.StatusCode);
        Assert.Equal(404, status);
        Assert.Equal("run 987654 not found", json.GetProperty("error").GetString());

        var (live, alive) = await InvokeAsync(http => Task.FromResult(new HealthFunctions().Live(http.Request)), HttpMethods.Get, "/api/health/live", null, []);
        Assert.Equal(200, live);
        Assert.Equal("alive", alive.GetProperty("status").GetString());

        var (ready, health) = await InvokeAsync(http => new HealthFunctions().ReadyAsync(http.Request, CancellationToken.None), HttpMethods.Get, "/api/health", null, []);
        Assert.Equal(200, ready);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task The_timers_function_drains_a_pending_outbox_row()
    {
        _github.AddPullRequest("acme", "infra", 5, new string('a', 40));
        var payload = new ReplyMessage("github", "acme", "infra", null, 5, "<!-- terraflow:test:timers -->", "Sent by the Timers function");
        // Inserted without pg_notify, like a row whose wake-up was lost (or an app scaled to zero), and due only in a
        // few seconds: the engine loops' first drain at start-up finds nothing, then they idle (poll interval 1 h).
        await ExecAsync($"insert into outbox (run_id, kind, payload, next_attempt_at) values (null, '{OutboxKinds.Reply}', '{StoreJson.Serialize<object>(payload).Replace("'", "''")}'::jsonb, now() + interval '3 seconds')");
        await Eventually.ValueAsync(() => ScalarAsync("select next_attempt_at <= now() from outbox"), due => due is true, TimeSpan.FromSeconds(10), "the outbox row to be due");
        await Task.Delay(300);
        Assert.Equal("pending", await ScalarAsync("select status from outbox"));

        var timers = new TimersFunction(_host.Services, NullLogger<TimersFunction>.Instance);
        await timers.RunAsync(new TimerInfo { IsPastDue = false }, CancellationToken.None);

        Assert.Equal(1, timers.LastPass!.OutboxItems);
        Assert.Equal("done", await ScalarAsync("select status from outbox"));
        Assert.Contains(_github.Comments("acme", "infra", 5), c => c.Body.Contains("Sent by the Timers function", StringComparison.Ordinal));
    }

    /// <summary>A route only the standalone host maps would 404 in Azure; one only a function has would be missing locally.</summary>
    [Fact]
    public void Every_standalone_route_is_a_function_with_the_same_methods()
    {
        // Every route lives below /api, the Functions host's route prefix, except the standalone host's conveniences:
        // "/" (the console's front door; the Functions host has its own page there) and /console/..., which must each
        // mirror an /api/console/... route with the same methods (so a console link is /api/console/... in both hosts).
        static IEnumerable<string> Routes(RouteEndpoint e) =>
            (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m.ToUpperInvariant()} {e.RoutePattern.RawText}");
        var all = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().SelectMany(Routes).ToList();
        var mapped = all.Where(r => r.Split(' ')[1].StartsWith("/api/", StringComparison.Ordinal)).Order().ToList();
        var convenience = all.Except(mapped).Where(r => r != "GET /").Order().ToList();
        Assert.All(convenience, r => Assert.Matches(@"^[A-Z]+ /console(/|$)", r));
        Assert.Equal(convenience.Select(r => r.Replace(" /console", " /api/console", StringComparison.Ordinal)).Order(),
            mapped.Where(r => r.Split(' ')[1] is "/api/console" || r.Split(' ')[1].StartsWith("/api/console/", StringComparison.Ordinal)).Order());
        Assert.Contains("GET /api/console/runs/{id:long}", mapped);

        var functions = typeof(WebhookFunctions).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null))
            .OfType<HttpTriggerAttribute>()
            .SelectMany(t => t.Methods!.Select(m => $"{m.ToUpperInvariant()} /api/{t.Route}"))
            .ToList();
        Assert.Equal(functions.Count, functions.Distinct().Count());
        // GitHub and GitLab have their own functions besides webhooks/{provider}, which the standalone route serves alone.
        var declared = functions.Except(["POST /api/webhooks/github", "POST /api/webhooks/gitlab"]).Order().ToList();

        Assert.Equal(declared, mapped);
        Assert.Contains("POST /api/webhooks/{provider}", mapped);
    }

    [Theory]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:53211/", "--functions-worker-id", "w1" }, null, true)]
    [InlineData(new[] { "--functions-uri=http://127.0.0.1:53211/" }, null, true)]
    [InlineData(new string[0], "http://127.0.0.1:53211/", true)]
    [InlineData(new string[0], null, false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:0" }, null, false)]
    public void The_worker_starts_only_when_the_functions_host_passes_its_endpoint(string[] args, string? endpointVariable, bool expected)
    {
        string? Environment(string name) => name == "Functions__Worker__HostEndpoint" ? endpointVariable : null;
        Assert.Equal(expected, FunctionsWorkerApp.IsStartedByFunctionsHost(args, Environment));
    }

    /// <summary>Runs a function against a request built like the one the worker's ASP.NET Core integration hands it.</summary>
    private async Task<(int Status, JsonElement Body)> InvokeAsync(Func<HttpContext, Task<IActionResult>> function, string method, string path, byte[]? body, Dictionary<string, string> headers)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("127.0.0.1");
        http.Request.Path = path;
        foreach (var (name, value) in headers) http.Request.Headers[name] = value;
        if (body is not null)
        {
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
            http.Request.ContentType = "application/json";
        }
        using var response = new MemoryStream();
        http.Response.Body = response;

        var result = await function(http);
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));

        return (http.Response.StatusCode, JsonDocument.Parse(response.ToArray()).RootElement.Clone());
    }

    private async Task<long> CountAsync(string sql) => (long)(await ScalarAsync(sql))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var cmd = _host.Database.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync();
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = _host.Database.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
