using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>Service hook credentials (Basic or a custom header), event name and delivery id from the body, notification types.</summary>
public sealed class AzureDevOpsWebhookSourceTests
{
    private static readonly byte[] Opened = ExternalFixtures.Bytes("azure-devops/zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__opened.json");

    private static AzureDevOpsWebhookSource Source(Action<AzureDevOpsOptions> configure)
    {
        var options = new AzureDevOpsOptions();
        configure(options);
        return new AzureDevOpsWebhookSource(new AzureDevOpsWebhookVerifier(options));
    }

    private static WebhookHeaderReader Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value ?? "";

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static AzureDevOpsWebhookSource BasicSource() => Source(o => { o.WebhookUsername = "terraflow"; o.WebhookPassword = "s3cret-hook-password"; });

    [Fact]
    public void Without_credentials_configured_every_delivery_gets_503_naming_the_settings()
    {
        var refusal = Source(_ => { }).CheckBeforeBody(Headers(("Authorization", Basic("terraflow", "x"))));

        Assert.Equal(503, refusal?.StatusCode);
        Assert.Contains("TerraFlow__AzureDevOps__WebhookUsername", refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_basic_credentials_pass()
    {
        Assert.Null(BasicSource().CheckBeforeBody(Headers(("Authorization", Basic("terraflow", "s3cret-hook-password")))));
    }

    [Theory]
    [InlineData("terraflow", "wrong", "invalid Basic credentials")]
    [InlineData("someone", "s3cret-hook-password", "invalid Basic credentials")]
    [InlineData("terraflow", "s3cret-hook-password-and-more", "invalid Basic credentials")]
    [InlineData("terraflow", "s3cret", "invalid Basic credentials")]
    public void Wrong_basic_credentials_get_401_with_the_reason(string user, string password, string reason)
    {
        var refusal = BasicSource().CheckBeforeBody(Headers(("Authorization", Basic(user, password))));

        Assert.Equal((401, reason), (refusal?.StatusCode, refusal?.Reason));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer s3cret-hook-password")]
    [InlineData("Basic not-base64!")]
    public void Missing_or_malformed_authorization_gets_401(string authorization)
    {
        var refusal = BasicSource().CheckBeforeBody(Headers(("Authorization", authorization)));

        Assert.Equal(401, refusal?.StatusCode);
        Assert.Contains("Basic credentials", refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_header_secret_is_checked_and_named_in_the_refusal()
    {
        var source = Source(o => { o.WebhookHeaderName = "X-TerraFlow-Secret"; o.WebhookHeaderValue = "header-secret-value"; });

        Assert.Null(source.CheckBeforeBody(Headers(("X-TerraFlow-Secret", "header-secret-value"))));
        Assert.Equal((401, "invalid X-TerraFlow-Secret header"), Reason(source.CheckBeforeBody(Headers(("X-TerraFlow-Secret", "header-secret-valuE")))));
        Assert.Equal((401, "missing X-TerraFlow-Secret header"), Reason(source.CheckBeforeBody(Headers())));
    }

    [Fact]
    public void With_both_configured_both_are_required()
    {
        var source = Source(o =>
        {
            o.WebhookUsername = "terraflow";
            o.WebhookPassword = "pw";
            o.WebhookHeaderName = "X-TerraFlow-Secret";
            o.WebhookHeaderValue = "hv";
        });

        Assert.Null(source.CheckBeforeBody(Headers(("Authorization", Basic("terraflow", "pw")), ("X-TerraFlow-Secret", "hv"))));
        Assert.Equal(401, source.CheckBeforeBody(Headers(("Authorization", Basic("terraflow", "pw"))))?.StatusCode);
        Assert.Equal(401, source.CheckBeforeBody(Headers(("X-TerraFlow-Secret", "hv")))?.StatusCode);
    }

    [Fact]
    public void The_verifier_compares_digests_in_constant_time()
    {
        // The comparison must not depend on where the first differing byte is or on the secret's length: both sides
        // are hashed to 32 bytes and compared with CryptographicOperations.FixedTimeEquals (no early exit).
        var code = File.ReadAllText(Path.Combine(TerraFlow.Testing.RepoLayout.Root, "functions/TerraFlow.Adapters.AzureDevOps/AzureDevOpsWebhookVerifier.cs"));
        Assert.Equal(2, CountOf(code, "CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded)") + CountOf(code, "CryptographicOperations.FixedTimeEquals(Digest(headerValue)"));
        Assert.DoesNotContain("SequenceEqual", code, StringComparison.Ordinal);
        Assert.DoesNotContain("string.Equals", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_name_and_delivery_id_come_from_the_body()
    {
        var source = BasicSource();

        Assert.Equal("git.pullrequest.created", source.ReadEventName(Headers(), Opened));
        Assert.Equal("d1e96858-24cd-4064-9e08-0c55db2ff3fa", source.ReadDeliveryId(Headers(), Opened));
        Assert.Equal("", source.ReadDeliveryId(Headers(), "not json"u8));
        Assert.Equal("", source.ReadEventName(Headers(), "[1]"u8));
    }

    [Fact]
    public void Malformed_bodies_are_unreadable_not_guessed()
    {
        var source = BasicSource();

        Assert.NotNull(source.Parse("git.pullrequest.created", "{\"eventType\": \"git.pullrequest.created\""u8).Error);
        Assert.NotNull(source.Parse("git.pullrequest.created", "{\"eventType\": \"git.pullrequest.created\", \"resource\": {}}"u8).Error);
        var noNumber = Edit(Opened, p => p["resource"]!.AsObject().Remove("pullRequestId"));
        Assert.Contains("pullRequestId", source.Parse("git.pullrequest.created", noNumber).Error, StringComparison.Ordinal);
        var badSha = Edit(Opened, p => p["resource"]!["lastMergeSourceCommit"]!["commitId"] = "not-a-sha; rm -rf /");
        Assert.NotNull(source.Parse("git.pullrequest.created", badSha).Error);
        var badProject = Edit(Opened, p => p["resource"]!["repository"]!["project"]!["name"] = "../../etc");
        Assert.NotNull(source.Parse("git.pullrequest.created", badProject).Error);
    }

    [Theory]
    [InlineData(null, "synchronize")]
    [InlineData("PushNotification", "synchronize")]
    [InlineData("ReviewerVoteNotification", "votes")]
    [InlineData("ReviewersUpdateNotification", "ignored")]
    [InlineData("StatusUpdateNotification", "reopened")]
    [InlineData("SomethingElse", "synchronize")]
    public void An_active_pull_request_update_is_read_by_the_subscriptions_notification_type(string? notification, string expected)
    {
        var source = BasicSource();
        var body = Edit(Opened, p => p["eventType"] = "git.pullrequest.updated");
        var headers = notification is null ? Headers() : Headers((AzureDevOpsWebhookParser.NotificationHeader, notification));

        var ev = source.Parse(source.ReadEventName(headers, body), body).Event;

        Assert.Equal(expected, ev switch
        {
            PullRequestEvent { Action: PullRequestAction.Synchronize } => "synchronize",
            PullRequestEvent { Action: PullRequestAction.Reopened } => "reopened",
            PullRequestApprovalsEvent => "votes",
            IgnoredEvent => "ignored",
            var other => other?.GetType().Name,
        });
    }

    [Fact]
    public void Votes_of_10_and_5_approve_groups_and_the_author_never_do()
    {
        var body = Edit(Opened, p =>
        {
            p["eventType"] = "git.pullrequest.updated";
            p["resource"]!["reviewers"] = new JsonArray(
                Reviewer("approver@contoso.com", 10),
                Reviewer("suggests@contoso.com", 5),
                Reviewer("waiting@contoso.com", -5),
                Reviewer("rejects@contoso.com", -10),
                Reviewer("[Infra]\\Team", 10, container: true),
                Reviewer("yuroitaki@email.com", 10));
        });

        var ev = Assert.IsType<PullRequestApprovalsEvent>(AzureDevOpsWebhookParser.Parse("git.pullrequest.updated/ReviewerVoteNotification", body));

        Assert.Equal(["approver@contoso.com", "suggests@contoso.com"], ev.Approvers);
        Assert.Equal("8b913c8e0d0492952bd215da12df9a422182e9c5", ev.CommitSha);
    }

    [Fact]
    public void An_abandoned_pull_request_is_closed_unmerged()
    {
        var body = Edit(Opened, p => { p["eventType"] = "git.pullrequest.updated"; p["resource"]!["status"] = "abandoned"; });

        var ev = Assert.IsType<PullRequestEvent>(AzureDevOpsWebhookParser.Parse("git.pullrequest.updated/StatusUpdateNotification", body));

        Assert.Equal((PullRequestAction.Closed, false), (ev.Action, ev.PullRequest.Merged));
    }

    private static JsonObject Reviewer(string uniqueName, int vote, bool container = false) => new()
    {
        ["vote"] = vote,
        ["displayName"] = uniqueName,
        ["id"] = Guid.NewGuid().ToString(),
        ["uniqueName"] = uniqueName,
        ["isContainer"] = container,
    };

    private static (int?, string?) Reason(WebhookRefusal? refusal) => (refusal?.StatusCode, refusal?.Reason);

    private static byte[] Edit(byte[] body, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        edit(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;
}
