using System.Text.Json.Nodes;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Every real GitHub payload in the external fixtures parses into the right event with values from its JSON.</summary>
public class GitHubWebhookParserFixtureTests
{
    private static readonly string[] HandledPrActions = ["opened", "reopened", "synchronize", "closed"];

    [Fact]
    public void Manifest_lists_payloads_for_every_handled_event()
    {
        var counts = WebhookFixtureCatalog.GitHubPayloads().GroupBy(r => r.Event).ToDictionary(g => g.Key, g => g.Count());
        // Guards the data-driven theories below against silently running over nothing.
        Assert.True(counts.GetValueOrDefault("pull_request") >= 30, $"pull_request payloads: {counts.GetValueOrDefault("pull_request")}");
        Assert.True(counts.GetValueOrDefault("issue_comment") >= 12, $"issue_comment payloads: {counts.GetValueOrDefault("issue_comment")}");
        Assert.True(counts.GetValueOrDefault("installation") >= 7, $"installation payloads: {counts.GetValueOrDefault("installation")}");
        Assert.True(counts.GetValueOrDefault("pull_request_review") >= 5, $"pull_request_review payloads: {counts.GetValueOrDefault("pull_request_review")}");
        Assert.True(counts.GetValueOrDefault("ping") >= 4, $"ping payloads: {counts.GetValueOrDefault("ping")}");
    }

    [Theory]
    [MemberData(nameof(WebhookFixtureCatalog.HandledPayloads), MemberType = typeof(WebhookFixtureCatalog))]
    public void Parses_real_payload_into_matching_event(string path, string eventName)
    {
        var bytes = ExternalFixtures.Bytes(path);
        var json = JsonNode.Parse(bytes)!;
        var parsed = GitHubWebhookParser.Parse(eventName, bytes);

        switch (eventName)
        {
            case "ping":
                Assert.Equal(new PingEvent(Str(json, "zen")), parsed);
                break;
            case "installation":
                Assert.Equal(new InstallationEvent(
                    json["installation"]!["id"]!.GetValue<long>(), Str(json, "action"), Str(json["installation"]!["account"]!, "login")), parsed);
                break;
            case "pull_request":
                AssertPullRequest(json, parsed);
                break;
            case "issue_comment":
                AssertIssueComment(json, parsed);
                break;
            case "pull_request_review":
                AssertReview(json, parsed);
                break;
            default:
                Assert.Fail($"No expectation for event {eventName}");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(WebhookFixtureCatalog.OtherPayloads), MemberType = typeof(WebhookFixtureCatalog))]
    public void Other_real_events_are_ignored_with_a_reason(string path, string eventName)
    {
        var parsed = GitHubWebhookParser.Parse(eventName, ExternalFixtures.Bytes(path));
        var ignored = Assert.IsType<IgnoredEvent>(parsed);
        Assert.Contains(eventName, ignored.Reason);
    }

    private static void AssertPullRequest(JsonNode json, VcsEvent parsed)
    {
        var action = Str(json, "action");
        if (!HandledPrActions.Contains(action))
        {
            Assert.Equal(new IgnoredEvent($"pull_request action '{action}' is not handled"), parsed);
            return;
        }

        var pr = json["pull_request"]!;
        var expectedAction = action switch
        {
            "opened" => PullRequestAction.Opened,
            "reopened" => PullRequestAction.Reopened,
            "synchronize" => PullRequestAction.Synchronize,
            _ => PullRequestAction.Closed,
        };
        var expected = new PullRequestEvent(
            expectedAction,
            new PullRequestInfo(
                Repo(json),
                pr["number"]!.GetValue<int>(),
                Str(pr["head"]!, "sha"),
                Str(pr["base"]!, "sha"),
                Str(pr["head"]!, "ref"),
                Str(pr["base"]!, "ref"),
                pr["head"]!["repo"]?["clone_url"]?.GetValue<string>() ?? Str(json["repository"]!, "clone_url"),
                Str(pr["user"]!, "login"),
                Open: Str(pr, "state") == "open",
                Merged: pr["merged"]?.GetValue<bool>() ?? false),
            Str(json["sender"]!, "login"));
        Assert.Equal(expected, parsed);
    }

    private static void AssertIssueComment(JsonNode json, VcsEvent parsed)
    {
        var action = Str(json, "action");
        if (action != "created")
        {
            Assert.Equal(new IgnoredEvent($"issue_comment action '{action}' is not handled"), parsed);
            return;
        }
        if (json["issue"]!["pull_request"] is null)
        {
            Assert.Equal(new IgnoredEvent("comment is on an issue, not a pull request"), parsed);
            return;
        }
        var comment = json["comment"]!;
        Assert.Equal(new PullRequestCommentEvent(
            Repo(json),
            json["issue"]!["number"]!.GetValue<int>(),
            comment["id"]!.GetValue<long>(),
            Str(comment["user"]!, "login"),
            Str(comment, "body"))
        {
            // When it was written: an approval binds to the plan posted by then (issue 9).
            CreatedAt = DateTimeOffset.Parse(Str(comment, "created_at"), System.Globalization.CultureInfo.InvariantCulture),
        }, parsed);
    }

    private static void AssertReview(JsonNode json, VcsEvent parsed)
    {
        var action = Str(json, "action");
        var review = json["review"]!;
        if (action != "submitted")
        {
            Assert.Equal(new IgnoredEvent($"pull_request_review action '{action}' is not handled"), parsed);
            return;
        }
        if (review["commit_id"] is null)
        {
            Assert.Equal(new IgnoredEvent("pull_request_review has no review.commit_id, so the approved commit is unknown"), parsed);
            return;
        }
        Assert.Equal(new PullRequestReviewEvent(
            Repo(json),
            json["pull_request"]!["number"]!.GetValue<int>(),
            review["id"]!.GetValue<long>(),
            Str(review["user"]!, "login"),
            Approved: Str(review, "state").Equals("approved", StringComparison.OrdinalIgnoreCase),
            Str(review, "commit_id")), parsed);
    }

    private static RepoRef Repo(JsonNode json) => new(
        Str(json["repository"]!["owner"]!, "login"),
        Str(json["repository"]!, "name"),
        json["installation"]?["id"]?.GetValue<long>());

    private static string Str(JsonNode node, string name) =>
        node[name]?.GetValue<string>() ?? throw new InvalidOperationException($"fixture lacks '{name}'");
}
