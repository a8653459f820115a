using TerraFlow.Application.Outbox;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Functions.CustomHandler;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Integration.Tests.CustomHandler;

/// <summary>
/// The non-HTTP functions through the custom-handler invocation protocol, on the real host and database: a job
/// result from Service Bus reaches the inbox exactly once, a poison message is accepted and recorded (not retried),
/// and the Timers function drains the outbox by itself.
/// </summary>
public sealed class InvocationTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private TerraFlowTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        var db = await PostgresTestCluster.Shared.CreateDatabaseAsync("invoke");
        _host = await TerraFlowTestHost.StartAsync(db, _github, settings: new Dictionary<string, string>
        {
            [CustomHandlerEndpoints.EnableSetting] = "true",
            // The standalone engine loops idle for an hour unless notified, so only a Timers invocation moves
            // rows written without a notification.
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

    private static string Binding(string function) => FunctionRegistry.All.Single(f => f.Name == function).Trigger.BindingName;

    [Fact]
    public async Task A_job_result_delivered_twice_reaches_the_inbox_once()
    {
        var result = new JobResult(9001, 4242, JobKinds.Plan, null, new PlanOutcome("network", false, null, null, null, "Error: boom"));
        var body = StoreJson.Serialize(result);
        var messageId = Guid.NewGuid().ToString("N");

        var first = await InvokeJobResultsAsync(body, messageId, deliveryCount: 1);
        // Redelivery after a lost completion (lock expired): same MessageId, higher DeliveryCount.
        var second = await InvokeJobResultsAsync(body, messageId, deliveryCount: 2);

        Assert.Equal("accepted", first["ReturnValue"]!["status"]!.GetValue<string>());
        Assert.Equal("duplicate", second["ReturnValue"]!["status"]!.GetValue<string>());
        Assert.NotEmpty(second["Logs"]!.AsArray());
        Assert.Equal(1L, await CountAsync("select count(*) from workflow_inbox where kind = 'job_result' and (payload->>'jobId')::bigint = 9001 and run_id = 4242"));

        var stored = await ScalarAsync("select payload::text from workflow_inbox where (payload->>'jobId')::bigint = 9001");
        Assert.Equal("Error: boom", StoreJson.Deserialize<JobResult>((string)stored!).Plan!.Error);
    }

    [Fact]
    public async Task A_double_encoded_body_is_decoded()
    {
        var body = StoreJson.Serialize(new JobResult(9002, 4243, JobKinds.Discover, new DiscoveryOutcome(false, null, "clone failed", [], []), null));
        var response = await InvokeJobResultsAsync(body, Guid.NewGuid().ToString("N"), deliveryCount: 1, encodings: 2);
        Assert.Equal("accepted", response["ReturnValue"]!["status"]!.GetValue<string>());
        Assert.Equal(1L, await CountAsync("select count(*) from workflow_inbox where (payload->>'jobId')::bigint = 9002"));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"jobId": 5, "runId": 6, "kind": "plan"}""")]
    [InlineData("""{"jobId": "five"}""")]
    public async Task A_malformed_message_is_accepted_as_rejected_and_never_reaches_the_inbox(string body)
    {
        var messageId = Guid.NewGuid().ToString("N");
        var before = await CountAsync("select count(*) from workflow_inbox");

        // 2xx: the host completes the message instead of redelivering it until it dead-letters.
        var response = await InvokeJobResultsAsync(body, messageId, deliveryCount: 1);

        Assert.Equal("rejected", response["ReturnValue"]!["status"]!.GetValue<string>());
        Assert.Equal(400, response["ReturnValue"]!["statusCode"]!.GetValue<int>());
        Assert.Contains(response["Logs"]!.AsArray(), l => l!.GetValue<string>().Contains("rejected", StringComparison.Ordinal));
        Assert.Equal(before, await CountAsync("select count(*) from workflow_inbox"));
        Assert.Equal("rejected", await ScalarAsync($"select outcome from processed_messages where message_id = '{messageId}'"));
    }

    [Fact]
    public async Task A_request_that_is_not_an_invocation_payload_is_a_client_error()
    {
        using var response = await _http.PostAsync($"{_host.BaseUrl}/{FunctionRegistry.JobResults}", new StringContent("[1,2]"));
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Timers_drains_a_pending_outbox_row()
    {
        _github.AddPullRequest("acme", "infra", 5, new string('a', 40));
        var payload = new ReplyMessage("github", "acme", "infra", null, 5, "<!-- terraflow:test:timers -->", "Sent by the Timers function");
        // Inserted without pg_notify, like a row whose wake-up was lost (or an app scaled to zero), and due only in a
        // few seconds: the engine loops' first drain at start-up finds nothing, then they idle (poll interval 1 h).
        await ExecAsync($"insert into outbox (run_id, kind, payload, next_attempt_at) values (null, '{OutboxKinds.Reply}', '{StoreJson.Serialize<object>(payload).Replace("'", "''")}'::jsonb, now() + interval '3 seconds')");
        await Eventually.ValueAsync(() => ScalarAsync("select next_attempt_at <= now() from outbox"), due => due is true, TimeSpan.FromSeconds(10), "the outbox row to be due");
        await Task.Delay(300);
        Assert.Equal("pending", await ScalarAsync("select status from outbox"));

        var (status, response) = await FunctionsHostPayloads.InvokeAsync(_http, _host.BaseUrl, FunctionRegistry.Timers,
            FunctionsHostPayloads.Timer(Binding(FunctionRegistry.Timers), FunctionRegistry.Timers));

        Assert.Equal(200, status);
        Assert.Equal(1, response!["ReturnValue"]!["outboxItems"]!.GetValue<int>());
        Assert.Equal("done", await ScalarAsync("select status from outbox"));
        Assert.Contains(_github.Comments("acme", "infra", 5), c => c.Body.Contains("Sent by the Timers function", StringComparison.Ordinal));
        Assert.Empty(response["Outputs"]!.AsObject());
    }

    private async Task<JsonObject> InvokeJobResultsAsync(string body, string messageId, int deliveryCount, int encodings = 1)
    {
        var payload = FunctionsHostPayloads.ServiceBusMessage(Binding(FunctionRegistry.JobResults), FunctionRegistry.JobResults, body, messageId, deliveryCount, encodings);
        var (status, response) = await FunctionsHostPayloads.InvokeAsync(_http, _host.BaseUrl, FunctionRegistry.JobResults, payload);
        Assert.Equal(200, status);
        Assert.NotNull(response);
        return response;
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
