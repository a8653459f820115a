using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>pull_request_review deliveries: only submitted reviews become events; approval is read from review.state.</summary>
public class GitHubWebhookReviewTests
{
    private const string Submitted = "octokit-webhooks/payload-examples/api.github.com/pull_request_review/submitted.payload.json";
    private const string Dismissed = "octokit-webhooks/payload-examples/api.github.com/pull_request_review/dismissed.payload.json";
    private const string LegacyApproved = "go-playground-webhooks/testdata/github/pull-request-review.json";
    private const string AtlantisComment = "atlantis/server/controllers/events/testdata/githubIssueCommentEvent.json";

    [Fact]
    public void Submitted_comment_review_is_a_review_event_that_is_not_an_approval()
    {
        var parsed = GitHubWebhookParser.Parse("pull_request_review", ExternalFixtures.Bytes(Submitted));

        Assert.Equal(new PullRequestReviewEvent(new RepoRef("Codertocat", "Hello-World", 1), 2, 237895671, "Codertocat",
            Approved: false, "ec26c3e57ca3a959ca5aad62de7213c562f8c821"), parsed);
    }

    [Theory]
    [InlineData("approved", true)]
    [InlineData("APPROVED", true)]
    [InlineData("changes_requested", false)]
    [InlineData("commented", false)]
    public void Approval_is_read_from_the_review_state_ignoring_case(string state, bool approved)
    {
        var json = Load(Submitted);
        json["review"]!["state"] = state;

        var parsed = Assert.IsType<PullRequestReviewEvent>(Parse("pull_request_review", json));
        Assert.Equal(approved, parsed.Approved);
    }

    [Fact]
    public void The_reviewed_commit_comes_from_the_review_not_the_pull_request_head()
    {
        // A push can land while a reviewer reads an older commit; the approval covers only what was reviewed.
        var json = Load(Submitted);
        json["review"]!["state"] = "approved";
        json["review"]!["commit_id"] = "1111111111111111111111111111111111111111";
        json["review"]!["user"]!["login"] = "reviewer-bob";

        var parsed = Assert.IsType<PullRequestReviewEvent>(Parse("pull_request_review", json));
        Assert.Equal("1111111111111111111111111111111111111111", parsed.CommitSha);
        Assert.NotEqual(json["pull_request"]!["head"]!["sha"]!.GetValue<string>(), parsed.CommitSha);
        Assert.Equal("reviewer-bob", parsed.Reviewer);
        Assert.True(parsed.Approved);
    }

    [Fact]
    public void Dismissed_and_edited_reviews_are_ignored_with_a_reason()
    {
        Assert.Equal(new IgnoredEvent("pull_request_review action 'dismissed' is not handled"),
            GitHubWebhookParser.Parse("pull_request_review", ExternalFixtures.Bytes(Dismissed)));

        var edited = Load(Submitted);
        edited["action"] = "edited";
        Assert.Equal(new IgnoredEvent("pull_request_review action 'edited' is not handled"), Parse("pull_request_review", edited));
    }

    [Fact]
    public void An_approval_without_a_commit_id_is_not_counted()
    {
        // This older recorded payload predates review.commit_id; guessing the head could approve an unseen commit.
        var parsed = GitHubWebhookParser.Parse("pull_request_review", ExternalFixtures.Bytes(LegacyApproved));

        var ignored = Assert.IsType<IgnoredEvent>(parsed);
        Assert.Contains("commit_id", ignored.Reason);
    }

    [Fact]
    public void A_review_without_the_pull_request_number_is_rejected_naming_the_field()
    {
        var json = Load(Submitted);
        json["pull_request"]!.AsObject().Remove("number");

        var ex = Assert.Throws<WebhookPayloadException>(() => Parse("pull_request_review", json));
        Assert.Contains("pull_request.number", ex.Message);
    }

    [Fact]
    public void Deleted_comment_is_ignored()
    {
        var json = Load(AtlantisComment);
        json["action"] = "deleted";
        Assert.Equal(new IgnoredEvent("issue_comment action 'deleted' is not handled"), Parse("issue_comment", json));
    }

    [Fact]
    public void Command_comment_on_a_plain_issue_is_ignored()
    {
        var json = Load(AtlantisComment);
        json["issue"]!.AsObject().Remove("pull_request");
        json["comment"]!["body"] = "terraflow apply";
        Assert.Equal(new IgnoredEvent("comment is on an issue, not a pull request"), Parse("issue_comment", json));
    }

    private static JsonNode Load(string fixture) => JsonNode.Parse(ExternalFixtures.Bytes(fixture))!;

    private static VcsEvent Parse(string eventName, JsonNode json) =>
        GitHubWebhookParser.Parse(eventName, Encoding.UTF8.GetBytes(json.ToJsonString()));
}
