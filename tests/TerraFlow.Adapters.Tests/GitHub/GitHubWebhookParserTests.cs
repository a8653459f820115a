using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Spot checks with literal values, derived payloads (merged, fork) and malformed input.</summary>
public class GitHubWebhookParserTests
{
    private const string AtlantisOpened = "atlantis/server/controllers/events/testdata/githubPullRequestOpenedEvent.json";
    private const string OctokitClosed = "octokit-webhooks/payload-examples/api.github.com/pull_request/closed.payload.json";
    private const string OctokitSynchronize = "octokit-webhooks/payload-examples/api.github.com/pull_request/synchronize.payload.json";

    [Fact]
    public void Atlantis_opened_payload_yields_the_exact_pull_request()
    {
        var parsed = GitHubWebhookParser.Parse("pull_request", ExternalFixtures.Bytes(AtlantisOpened));

        var expected = new PullRequestEvent(PullRequestAction.Opened, new PullRequestInfo(
            new RepoRef("runatlantis", "atlantis-tests"), 2,
            HeadSha: "c31fd9ea6f557ad2ea659944c3844a059b83bc5d",
            BaseSha: "f59a822e83b3cd193142c7624ea635a5d7894388",
            HeadRef: "branch", BaseRef: "main",
            CloneUrl: "https://github.com/runatlantis/atlantis-tests.git",
            Author: "runatlantis", Open: true, Merged: false), "runatlantis");
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Installation_id_is_carried_on_the_repo()
    {
        var parsed = Assert.IsType<PullRequestEvent>(GitHubWebhookParser.Parse("pull_request", ExternalFixtures.Bytes(OctokitSynchronize)));
        Assert.Equal(PullRequestAction.Synchronize, parsed.Action);
        Assert.Equal(new RepoRef("Codertocat", "Hello-World", 1), parsed.PullRequest.Repo);
        Assert.Equal("ec26c3e57ca3a959ca5aad62de7213c562f8c821", parsed.PullRequest.HeadSha);
    }

    [Fact]
    public void Drone_pr_comment_yields_comment_event()
    {
        var parsed = GitHubWebhookParser.Parse("issue_comment", ExternalFixtures.Bytes("drone-go-scm/scm/driver/github/testdata/webhooks/comment.json"));
        Assert.Equal(new PullRequestCommentEvent(new RepoRef("abc", "def-ci-webhook-test"), 2, 751955664, "lts-def", "trigger abc")
        {
            CreatedAt = new DateTimeOffset(2020, 12, 29, 5, 49, 14, TimeSpan.Zero), // comment.created_at
        }, parsed);
    }

    [Fact]
    public void Legacy_integration_installation_payload_parses_as_installation()
    {
        var parsed = GitHubWebhookParser.Parse("installation", ExternalFixtures.Bytes("go-playground-webhooks/testdata/github/integration-installation.json"));
        Assert.Equal(new InstallationEvent(80429, "created", "PombeirP"), parsed);
    }

    [Fact]
    public void Merged_close_is_reported_as_merged()
    {
        // No source ships a merged close; derive one as GitHub sends it (MANIFEST.md explains the fields).
        var json = Load(OctokitClosed);
        var pr = json["pull_request"]!;
        pr["merged"] = true;
        pr["merged_at"] = "2019-05-15T15:20:40Z";
        pr["merge_commit_sha"] = "c4295bd74fb0f4fda03689c3df3f2803b658fd85";
        pr["merged_by"] = pr["user"]!.DeepClone();

        var parsed = Assert.IsType<PullRequestEvent>(Parse("pull_request", json));
        Assert.Equal(PullRequestAction.Closed, parsed.Action);
        Assert.True(parsed.PullRequest.Merged);
        Assert.False(parsed.PullRequest.Open);
    }

    [Fact]
    public void Fork_pull_request_clones_from_the_head_repository()
    {
        var json = Load(AtlantisOpened);
        json["pull_request"]!["head"]!["repo"]!["clone_url"] = "https://github.com/contributor/atlantis-tests.git";

        var parsed = Assert.IsType<PullRequestEvent>(Parse("pull_request", json));
        Assert.Equal("https://github.com/contributor/atlantis-tests.git", parsed.PullRequest.CloneUrl);
        Assert.Equal(new RepoRef("runatlantis", "atlantis-tests"), parsed.PullRequest.Repo);
    }

    [Fact]
    public void Deleted_fork_falls_back_to_the_base_repository_clone_url()
    {
        var json = Load(AtlantisOpened);
        json["pull_request"]!["head"]!["repo"] = null;

        var parsed = Assert.IsType<PullRequestEvent>(Parse("pull_request", json));
        Assert.Equal(json["repository"]!["clone_url"]!.GetValue<string>(), parsed.PullRequest.CloneUrl);
    }

    [Fact]
    public void Unhandled_pull_request_action_is_ignored_with_reason()
    {
        var parsed = GitHubWebhookParser.Parse("pull_request",
            ExternalFixtures.Bytes("octokit-webhooks/payload-examples/api.github.com/pull_request/labeled.payload.json"));
        Assert.Equal(new IgnoredEvent("pull_request action 'labeled' is not handled"), parsed);
    }

    [Fact]
    public void Comment_on_plain_issue_is_ignored()
    {
        var parsed = GitHubWebhookParser.Parse("issue_comment",
            ExternalFixtures.Bytes("octokit-webhooks/payload-examples/api.github.com/issue_comment/created.payload.json"));
        Assert.Equal(new IgnoredEvent("comment is on an issue, not a pull request"), parsed);
    }

    [Fact]
    public void Edited_comment_is_ignored_even_on_a_pull_request()
    {
        var json = Load("atlantis/server/controllers/events/testdata/githubIssueCommentEvent.json");
        json["action"] = "edited";
        Assert.Equal(new IgnoredEvent("issue_comment action 'edited' is not handled"), Parse("issue_comment", json));
    }

    [Fact]
    public void Unknown_event_is_ignored()
    {
        Assert.Equal(new IgnoredEvent("event 'star' is not handled"), GitHubWebhookParser.Parse("star", "{}"u8));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"zen\":\"a\"} trailing")]
    public void Malformed_body_throws_payload_exception(string body)
    {
        Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse("ping", Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("\\ud800")]          // lone high surrogate, lower case
    [InlineData("\\uDFFF")]          // lone low surrogate, upper case
    [InlineData("x\\\\\\uDBFFy")]  // an escaped backslash, then a real escape
    [InlineData("\\uDE00\\uD83D")] // both halves, in the wrong order
    public void A_lone_surrogate_escape_anywhere_is_refused(string escaped)
    {
        var json = Encoding.UTF8.GetBytes("{\"zen\":\"" + escaped + "\"}");
        var ex = Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse("ping", json));
        Assert.Contains("lone UTF-16 surrogate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\uD83D\\uDE00")]   // a paired surrogate (an emoji)
    [InlineData("\\\\ud800")]       // an escaped backslash followed by the letters "ud800": text, not an escape
    [InlineData("\\u00e9 \\u0041")] // escapes that are not surrogates
    public void Valid_escapes_are_accepted(string escaped)
    {
        var json = Encoding.UTF8.GetBytes("{\"zen\":\"" + escaped + "\"}");
        Assert.IsType<PingEvent>(GitHubWebhookParser.Parse("ping", json));
    }

    [Theory]
    [InlineData("pull_request.head.sha")]
    [InlineData("pull_request.number")]
    [InlineData("repository.owner.login")]
    [InlineData("pull_request.user")]
    public void Missing_required_pull_request_field_names_the_field(string path)
    {
        var json = Load(AtlantisOpened);
        var segments = path.Split('.');
        var parent = segments[..^1].Aggregate(json, (node, key) => node[key]!);
        parent.AsObject().Remove(segments[^1]);

        var ex = Assert.Throws<WebhookPayloadException>(() => Parse("pull_request", json));
        Assert.Contains(path.Split('.')[0], ex.Message);
        Assert.Contains("pull_request", ex.Message);
    }

    [Fact]
    public void Wrong_field_type_throws_payload_exception()
    {
        var json = Load(AtlantisOpened);
        json["pull_request"]!["number"] = "two";
        var ex = Assert.Throws<WebhookPayloadException>(() => Parse("pull_request", json));
        Assert.Contains("pull_request.number", ex.Message);
    }

    [Fact]
    public void Missing_event_name_throws_payload_exception()
    {
        Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse("", "{}"u8));
    }

    private static JsonNode Load(string fixture) => JsonNode.Parse(ExternalFixtures.Bytes(fixture))!;

    private static VcsEvent Parse(string eventName, JsonNode json) =>
        GitHubWebhookParser.Parse(eventName, Encoding.UTF8.GetBytes(json.ToJsonString()));
}
