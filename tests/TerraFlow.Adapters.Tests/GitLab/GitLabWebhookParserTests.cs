using System.Text;
using System.Text.Json.Nodes;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Core.Vcs;
using static TerraFlow.Adapters.Tests.GitLab.GitLabPayloads;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabWebhookParserTests
{
    private const string Mr = GitLabWebhookParser.MergeRequestHook;

    [Fact]
    public void Title_only_update_is_ignored()
    {
        var body = MergeRequest("update", r => r["changes"] = JsonNode.Parse("""{"title":{"previous":"a","current":"b"},"updated_at":{"previous":"x","current":"y"}}"""));
        var ignored = Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse(Mr, body));
        Assert.Equal("merge request updated without new commits", ignored.Reason);
    }

    [Fact]
    public void Update_with_oldrev_is_a_synchronize_at_the_new_head()
    {
        var body = MergeRequest("update", r => Attributes(r)["oldrev"] = "1111111111111111111111111111111111111111");
        var ev = Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, body));
        Assert.Equal(PullRequestAction.Synchronize, ev.Action);
        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", ev.PullRequest.HeadSha);
    }

    [Fact]
    public void Changed_target_branch_changes_the_diff_and_replans()
    {
        var body = MergeRequest("update", r => r["changes"] = JsonNode.Parse("""{"target_branch":{"previous":"main","current":"release"}}"""));
        Assert.Equal(PullRequestAction.Synchronize, Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, body)).Action);
    }

    [Fact]
    public void Update_of_a_closed_merge_request_is_ignored()
    {
        var body = MergeRequest("update", r => { Attributes(r)["oldrev"] = "1111111"; Attributes(r)["state"] = "closed"; });
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse(Mr, body));
    }

    [Fact]
    public void Merge_is_closed_and_merged_close_is_closed_only()
    {
        var merged = Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, MergeRequest("merge")));
        var closed = Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, MergeRequest("close")));
        Assert.Equal((PullRequestAction.Closed, true, false), (merged.Action, merged.PullRequest.Merged, merged.PullRequest.Open));
        Assert.Equal((PullRequestAction.Closed, false, false), (closed.Action, closed.PullRequest.Merged, closed.PullRequest.Open));
    }

    [Fact]
    public void Reopen_is_reopened()
    {
        Assert.Equal(PullRequestAction.Reopened, Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, MergeRequest("reopen"))).Action);
    }

    [Theory]
    [InlineData("approval")]
    [InlineData("approved")]
    public void Approval_is_an_approving_review_of_the_last_commit_by_the_acting_user(string action)
    {
        var review = Assert.IsType<PullRequestReviewEvent>(GitLabWebhookParser.Parse(Mr, MergeRequest(action)));
        Assert.Equal((new RepoRef("gitlabhq", "gitlab-test"), 1, "root", true, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"),
            (review.Repo, review.Number, review.Reviewer, review.Approved, review.CommitSha));
    }

    [Theory]
    [InlineData("unapproval")]
    [InlineData("unapproved")]
    public void Revoked_approvals_are_ignored(string action) =>
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse(Mr, MergeRequest(action)));

    [Fact]
    public void Approval_without_a_commit_is_not_an_approval()
    {
        var body = MergeRequest("approval", r => Attributes(r).Remove("last_commit"));
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse(Mr, body));
    }

    [Fact]
    public void Fork_merge_request_is_cloned_from_the_target_project_never_from_a_url_the_body_names()
    {
        var body = MergeRequest("open", r =>
        {
            Attributes(r)["source_project_id"] = 99;
            Attributes(r)["source"]!["git_http_url"] = "https://gitlab.example/mallory/fork.git";
        });
        var pr = Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, body)).PullRequest;
        Assert.NotEqual("https://gitlab.example/mallory/fork.git", pr.CloneUrl);
        Assert.Equal(JsonNode.Parse(body)!["project"]!["git_http_url"]!.GetValue<string>(), pr.CloneUrl);
    }

    [Fact]
    public void Author_is_found_by_author_id_among_the_people_in_the_hook()
    {
        // The documented example: acting user root (id 1), author_id 51; make user1 (an assignee) the author.
        var body = MergeRequest("close", r => Attributes(r)["author_id"] = 6);
        Assert.Equal("user1", Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, body)).PullRequest.Author);
        var byActor = MergeRequest("open", r => Attributes(r)["author_id"] = 1);
        Assert.Equal("root", Assert.IsType<PullRequestEvent>(GitLabWebhookParser.Parse(Mr, byActor)).PullRequest.Author);
    }

    [Fact]
    public void Note_on_an_issue_system_notes_and_edited_notes_are_ignored()
    {
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse("Note Hook", Note(r => Attributes(r)["noteable_type"] = "Issue")));
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse("Note Hook", Note(r => Attributes(r)["system"] = true)));
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse("Note Hook", Note(r => Attributes(r)["action"] = "update")));
    }

    [Fact]
    public void Push_and_unknown_events_are_ignored()
    {
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse("Push Hook", "{}"u8));
        Assert.IsType<IgnoredEvent>(GitLabWebhookParser.Parse("Wiki Page Hook", "{}"u8));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"object_kind\":\"merge_request\"} trailing")]
    [InlineData("{\"object_kind\":\"note\"}")]
    public void Unreadable_bodies_are_refused(string body) =>
        Assert.Throws<GitLabPayloadException>(() => GitLabWebhookParser.Parse(Mr, Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Missing_field_is_named_in_the_error()
    {
        var body = MergeRequest("open", r => Attributes(r).Remove("last_commit"));
        var ex = Assert.Throws<GitLabPayloadException>(() => GitLabWebhookParser.Parse(Mr, body));
        Assert.Contains("object_attributes.last_commit.id", ex.Message);
    }

    [Fact]
    public void Project_path_without_namespace_is_refused_not_thrown_as_a_crash()
    {
        var body = MergeRequest("open", r => r["project"]!["path_with_namespace"] = "lonely");
        Assert.Throws<GitLabPayloadException>(() => GitLabWebhookParser.Parse(Mr, body));
    }

    [Fact]
    public void Missing_event_header_is_refused() =>
        Assert.Throws<GitLabPayloadException>(() => GitLabWebhookParser.Parse("", MergeRequest("open")));

    [Fact]
    public void Project_path_is_read_leniently_for_choosing_a_secret()
    {
        Assert.Equal("gitlabhq/gitlab-test", GitLabWebhookParser.TryReadProjectPath(MergeRequest("open")));
        Assert.Null(GitLabWebhookParser.TryReadProjectPath("garbage"u8));
        Assert.Null(GitLabWebhookParser.TryReadProjectPath("{\"project\":1}"u8));
    }
}
