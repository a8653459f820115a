using System.Net;
using System.Text;
using System.Text.Json;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;
using TerraFlow.Testing.FakeGitLab;
using TerraFlow.Testing.Postgres;
using static TerraFlow.Integration.Tests.GitLab.GitLabWebhooks;

namespace TerraFlow.Integration.Tests.GitLab;

/// <summary>
/// POST /api/webhooks/gitlab on the real host and a real database: what is refused stores nothing, what is accepted
/// is stored before the answer, a redelivery does nothing new. The engine and runner are off so only intake is measured.
/// </summary>
public sealed class GitLabWebhookEndpointTests : IAsyncLifetime
{
    private const string Project = "acme/platform/infra";
    private const string Head = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
    private readonly HttpClient _http = new();
    private FakeGitHubServer _github = null!;
    private FakeGitLabServer _gitlab = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync();
        _gitlab = await FakeGitLabServer.StartAsync();
        // The documented payloads' merge requests are opened by "root": a Developer, so they are planned automatically.
        _gitlab.SetMember(Project, GitLabWebhooks.PayloadAuthor, 30);
        _db = await PostgresTestCluster.Shared.CreateDatabaseAsync("gitlab");
    }

    public async Task DisposeAsync()
    {
        await _gitlab.DisposeAsync();
        await _github.DisposeAsync();
        _http.Dispose();
    }

    private Task<TerraFlowTestHost> StartHost(bool withSecret = true, IDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ApiUrl"] = _gitlab.ApiUrl,
            ["TerraFlow:GitLab:Token"] = _gitlab.Token,
            ["TerraFlow:Engine:Enabled"] = "false",
            ["TerraFlow:Runner:InProcess"] = "false",
        };
        if (withSecret) settings["TerraFlow:GitLab:WebhookSecret"] = Secret;
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        return TerraFlowTestHost.StartAsync(_db, _github, settings: settings);
    }

    private Task<HttpResponseMessage> Send(TerraFlowTestHost host, string eventName, string body, Delivery? delivery = null) =>
        SendAsync(_http, host.BaseUrl, eventName, body, delivery ?? new Delivery());

    private static async Task<long> Count(TerraFlowTestHost host, string sql) => (long)(await GitHubPullRequestTests.Scalar(host, sql))!;

    private static async Task<(string Status, string Reason)> Answer(HttpResponseMessage response)
    {
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (json.GetProperty("status").GetString()!, json.GetProperty("reason").GetString()!);
    }

    [Fact]
    public async Task Opened_merge_request_is_stored_before_the_answer_and_a_redelivery_does_nothing_new()
    {
        await using var host = await StartHost();
        var body = MergeRequest(Project, 7, "open", Head);
        var delivery = new Delivery(IdempotencyKey: "3a427872-00df-429c-9bc9-a9475de2efe4");

        var first = await Send(host, "Merge Request Hook", body, delivery);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, await Count(host, "select count(*) from runs where provider = 'gitlab' and repo_owner = 'acme/platform' and repo_name = 'infra' and pr_number = 7"));
        Assert.Equal(1, await Count(host, "select count(*) from webhook_deliveries where provider = 'gitlab' and delivery_id = '3a427872-00df-429c-9bc9-a9475de2efe4'"));
        var jobs = await Count(host, "select count(*) from jobs");

        // GitLab retries with the same Idempotency-Key (and a new event UUID): nothing new happens.
        var again = await Send(host, "Merge Request Hook", body, delivery with { EventUuid = "" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await Answer(again)).Status);
        Assert.Equal(1, await Count(host, "select count(*) from runs"));
        Assert.Equal(jobs, await Count(host, "select count(*) from jobs"));
    }

    [Fact]
    public async Task Without_Idempotency_Key_the_webhook_uuid_then_the_event_uuid_dedupe()
    {
        await using var host = await StartHost();
        var byEvent = new Delivery(IdempotencyKey: null, WebhookUuid: null, EventUuid: "9cebe914-4827-408f-b014-cfa23a47a35f");

        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, "Merge Request Hook", MergeRequest(Project, 8, "open", Head), byEvent)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, "Merge Request Hook", MergeRequest(Project, 8, "open", Head), byEvent)).StatusCode);
        Assert.Equal(1, await Count(host, "select count(*) from webhook_deliveries where delivery_id = '9cebe914-4827-408f-b014-cfa23a47a35f'"));
        Assert.Equal(1, await Count(host, "select count(*) from runs"));

        var byHook = new Delivery(IdempotencyKey: null, WebhookUuid: "hook-uuid-1", EventUuid: "event-uuid-x");
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, "Merge Request Hook", MergeRequest(Project, 9, "open", Head), byHook)).StatusCode);
        Assert.Equal(1, await Count(host, "select count(*) from webhook_deliveries where delivery_id = 'hook-uuid-1'"));
    }

    [Fact]
    public async Task Bad_or_missing_token_is_401_and_stores_nothing()
    {
        await using var host = await StartHost();
        var body = MergeRequest(Project, 7, "open", Head);

        var bad = await Send(host, "Merge Request Hook", body, new Delivery(Token: "wrong"));
        var missing = await Send(host, "Merge Request Hook", body, new Delivery(Token: null));
        var almost = await Send(host, "Merge Request Hook", body, new Delivery(Token: Secret + "x"));

        Assert.All([bad, missing, almost], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("X-Gitlab-Token", (await Answer(bad)).Reason);
        Assert.Equal(0, await Count(host, "select count(*) from webhook_deliveries"));
        Assert.Equal(0, await Count(host, "select count(*) from runs"));
    }

    [Fact]
    public async Task Bad_input_is_400_with_a_reason_and_stores_nothing()
    {
        await using var host = await StartHost();

        var malformed = await Send(host, "Merge Request Hook", "{ not json");
        var missingField = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head, p => p["object_attributes"]!.AsObject().Remove("last_commit")));
        var noDeliveryId = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head), new Delivery(IdempotencyKey: null, WebhookUuid: null, EventUuid: null));
        var noEvent = await Send(host, "", MergeRequest(Project, 7, "open", Head));

        Assert.All([malformed, missingField, noDeliveryId, noEvent], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("not valid JSON", (await Answer(malformed)).Reason);
        Assert.Contains("object_attributes.last_commit.id", (await Answer(missingField)).Reason);
        Assert.Contains("Idempotency-Key", (await Answer(noDeliveryId)).Reason);
        Assert.Equal(0, await Count(host, "select count(*) from webhook_deliveries"));
    }

    [Fact]
    public async Task Payload_over_25_MB_is_413()
    {
        await using var host = await StartHost();
        var huge = "{\"object_kind\":\"push\",\"pad\":\"" + new string('x', 26 * 1024 * 1024) + "\"}";

        var response = await Send(host, "Push Hook", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await Count(host, "select count(*) from webhook_deliveries"));
    }

    [Fact]
    public async Task Title_only_update_starts_no_run_but_a_push_to_the_branch_does()
    {
        await using var host = await StartHost();
        Assert.Equal(HttpStatusCode.Accepted, (await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head))).StatusCode);

        var titleOnly = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "update", Head,
            p => p["changes"] = System.Text.Json.Nodes.JsonNode.Parse("""{"title":{"previous":"a","current":"b"}}""")));
        Assert.Equal(HttpStatusCode.OK, titleOnly.StatusCode);
        Assert.Equal(("ignored", "merge request updated without new commits"), await Answer(titleOnly));
        Assert.Equal(1, await Count(host, "select count(*) from runs"));

        const string newHead = "5ff66a1f7404deee915b50998c340e96d995f048";
        var push = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "update", newHead, p => p["object_attributes"]!["oldrev"] = Head));
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        Assert.Equal(1, await Count(host, $"select count(*) from runs where head_sha = '{newHead}'"));
    }

    [Fact]
    public async Task Terraflow_note_is_queued_and_other_events_are_acknowledged_as_ignored()
    {
        await using var host = await StartHost();

        var plan = await Send(host, "Note Hook", Note(Project, 7, "terraflow plan", "alice"));
        var prose = await Send(host, "Note Hook", Note(Project, 7, "looks good"));
        var pushHook = await Send(host, "Push Hook", File.ReadAllText(RepoPaths.SharedFixtures + "/go-gitlab/testdata/webhooks/push.json"));

        Assert.Equal(HttpStatusCode.Accepted, plan.StatusCode);
        Assert.Equal("plan command queued", (await Answer(plan)).Reason);
        Assert.Equal(1, await Count(host, "select count(*) from workflow_inbox"));
        Assert.Equal(HttpStatusCode.OK, prose.StatusCode);
        Assert.Equal("ignored", (await Answer(pushHook)).Status);
    }

    [Fact]
    public async Task Without_any_secret_configured_the_endpoint_says_so_with_503()
    {
        await using var host = await StartHost(withSecret: false);

        var response = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("TerraFlow__GitLab__WebhookSecret", (await Answer(response)).Reason);
        Assert.Equal(0, await Count(host, "select count(*) from webhook_deliveries"));
    }

    [Fact]
    public async Task A_project_secret_is_required_for_its_project_only()
    {
        await using var host = await StartHost(extra: new Dictionary<string, string>
        {
            ["TerraFlow:GitLab:ProjectSecrets:0:Project"] = Project,
            ["TerraFlow:GitLab:ProjectSecrets:0:Secret"] = "infra-own-secret",
        });

        var globalForOwn = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head));
        var ownForOwn = await Send(host, "Merge Request Hook", MergeRequest(Project, 7, "open", Head), new Delivery(Token: "infra-own-secret"));
        var globalForOther = await Send(host, "Merge Request Hook", MergeRequest("acme/other", 1, "open", Head));

        Assert.Equal(HttpStatusCode.Unauthorized, globalForOwn.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, ownForOwn.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, globalForOther.StatusCode);
    }
}
