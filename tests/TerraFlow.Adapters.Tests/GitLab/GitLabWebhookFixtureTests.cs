using System.Text.Json;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

/// <summary>The parser against every real GitLab webhook payload in ../shared/fixtures/external.</summary>
public sealed class GitLabWebhookFixtureTests
{
    private const string Mr = GitLabWebhookParser.MergeRequestHook;
    private const string Note = GitLabWebhookParser.NoteHook;

    /// <summary>Fixture → (X-Gitlab-Event header it travels with, what TerraFlow must make of it).</summary>
    public static readonly IReadOnlyDictionary<string, (string Header, string Expected)> Catalog = new Dictionary<string, (string, string)>
    {
        ["atlantis/server/controllers/events/testdata/gitlabMergeCommentEvent_notAllowlisted.json"] = (Note, "comment"),
        ["atlantis/server/controllers/events/testdata/gitlabMergeCommentEvent_shouldIgnore.json"] = (Note, "comment"),
        ["atlantis/server/events/testdata/gitlab-merge-request-comment-event-subgroup.json"] = (Note, "comment"),
        ["atlantis/server/events/testdata/gitlab-merge-request-comment-event.json"] = (Note, "comment"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-mark-as-ready.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-subgroup.json"] = (Mr, "opened"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-assignee.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-description.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-labels.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-milestone.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-mixed.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-new-commit.json"] = (Mr, "synchronize"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-reviewer.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-target-branch.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event-update-title.json"] = (Mr, "ignored"),
        ["atlantis/server/events/testdata/gitlab-merge-request-event.json"] = (Mr, "opened"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/branch_delete.json"] = ("Push Hook", "ignored"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/merge_request_comment_create.json"] = (Note, "comment"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pipeline_hook.json"] = ("Pipeline Hook", "ignored"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pull_request_close.json"] = (Mr, "closed"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pull_request_create.json"] = (Mr, "opened"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pull_request_merge.json"] = (Mr, "merged"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pull_request_reopen.json"] = (Mr, "reopened"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/pull_request_review_ready.json"] = (Mr, "ignored"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/push.json"] = ("Push Hook", "ignored"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/push_merge.json"] = ("Push Hook", "ignored"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/review_comment_create.json"] = (Note, "comment"),
        ["drone-go-scm/scm/driver/gitlab/testdata/webhooks/tag_create.json"] = ("Tag Push Hook", "ignored"),
        ["gitlab-docs/merge_request_hook.open.doc-example.json"] = (Mr, "opened"),
        ["gitlab-docs/note_hook.merge_request.doc-example.json"] = (Note, "comment"),
        ["go-gitlab/testdata/webhooks/build.json"] = ("Job Hook", "ignored"),
        // Recorded with trailing spaces inside its keys ("iid "): unreadable, so a 400, not a guess.
        ["go-gitlab/testdata/webhooks/group_merge_request.json"] = (Mr, "bad"),
        ["go-gitlab/testdata/webhooks/job.json"] = ("Job Hook", "ignored"),
        ["go-gitlab/testdata/webhooks/merge_request.json"] = (Mr, "opened"),
        ["go-gitlab/testdata/webhooks/note_commit.json"] = (Note, "ignored"),
        ["go-gitlab/testdata/webhooks/note_merge_request.json"] = (Note, "comment"),
        ["go-gitlab/testdata/webhooks/pipeline.json"] = ("Pipeline Hook", "ignored"),
        ["go-gitlab/testdata/webhooks/push.json"] = ("Push Hook", "ignored"),
        ["go-gitlab/testdata/webhooks/service_merge_request.json"] = (Mr, "synchronize"),
        ["go-gitlab/testdata/webhooks/tag_push.json"] = ("Tag Push Hook", "ignored"),
        ["go-playground-webhooks/testdata/gitlab/comment-merge-request-event.json"] = (Note, "comment"),
        ["go-playground-webhooks/testdata/gitlab/job-event.json"] = ("Job Hook", "ignored"),
        ["go-playground-webhooks/testdata/gitlab/merge-request-event.json"] = (Mr, "opened"),
        ["go-playground-webhooks/testdata/gitlab/pipeline-event.json"] = ("Pipeline Hook", "ignored"),
        ["go-playground-webhooks/testdata/gitlab/push-event.json"] = ("Push Hook", "ignored"),
    };

    public static TheoryData<string> Fixtures() => [.. Catalog.Keys];

    [Fact]
    public void Every_GitLab_webhook_payload_in_the_shared_fixtures_is_in_the_catalog()
    {
        Assert.True(Directory.Exists(ExternalFixtures.Root), $"External fixtures are missing: expected {ExternalFixtures.Root}");
        var onDisk = Directory.EnumerateFiles(ExternalFixtures.Root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ExternalFixtures.Root, f).Replace('\\', '/'))
            .Where(f => f.Contains("gitlab", StringComparison.OrdinalIgnoreCase) && IsWebhook(f))
            .Order().ToList();
        Assert.Equal(Catalog.Keys.Order(), onDisk);
    }

    // REST API answers (Atlantis' client fixtures) are not webhooks: they have no object_kind.
    private static bool IsWebhook(string relative)
    {
        using var doc = JsonDocument.Parse(ExternalFixtures.Bytes(relative));
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("object_kind", out _);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_parses_to_the_expected_event_with_fields_from_the_payload(string relative)
    {
        var (header, expected) = Catalog[relative];
        var bytes = ExternalFixtures.Bytes(relative);
        if (expected == "bad")
        {
            Assert.Throws<GitLabPayloadException>(() => GitLabWebhookParser.Parse(header, bytes));
            return;
        }

        var ev = GitLabWebhookParser.Parse(header, bytes);
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        if (expected == "ignored")
        {
            Assert.IsType<IgnoredEvent>(ev);
            return;
        }
        var project = GitLabPaths.RepoFromPath(root.GetProperty("project").GetProperty("path_with_namespace").GetString()!);
        var username = root.GetProperty("user").GetProperty("username").GetString();
        switch (expected)
        {
            case "comment":
                var comment = Assert.IsType<PullRequestCommentEvent>(ev);
                var attributes = root.GetProperty("object_attributes");
                var iid = root.GetProperty("merge_request").GetProperty("iid").GetInt32();
                Assert.Equal(project, comment.Repo);
                Assert.Null(comment.Repo.InstallationId);
                Assert.Equal(iid, comment.Number);
                Assert.Equal(attributes.GetProperty("note").GetString(), comment.Body);
                Assert.Equal(username, comment.Author);
                Assert.Equal((iid, attributes.GetProperty("id").GetInt64()), GitLabNoteIds.Split(comment.CommentId));
                break;
            default:
                var pr = Assert.IsType<PullRequestEvent>(ev);
                var mr = root.GetProperty("object_attributes");
                var action = expected switch
                {
                    "opened" => PullRequestAction.Opened,
                    "reopened" => PullRequestAction.Reopened,
                    "synchronize" => PullRequestAction.Synchronize,
                    _ => PullRequestAction.Closed,
                };
                Assert.Equal(action, pr.Action);
                Assert.Equal(expected == "merged", pr.PullRequest.Merged);
                Assert.Equal(expected is not ("closed" or "merged"), pr.PullRequest.Open);
                Assert.Equal(project, pr.PullRequest.Repo);
                Assert.Equal(mr.GetProperty("iid").GetInt32(), pr.PullRequest.Number);
                Assert.Equal(mr.GetProperty("last_commit").GetProperty("id").GetString(), pr.PullRequest.HeadSha);
                Assert.Equal(mr.GetProperty("source_branch").GetString(), pr.PullRequest.HeadRef);
                Assert.Equal(mr.GetProperty("target_branch").GetString(), pr.PullRequest.BaseRef);
                Assert.Equal(root.GetProperty("project").GetProperty("git_http_url").GetString(), pr.PullRequest.CloneUrl);
                Assert.Equal(username, pr.Sender);
                Assert.False(string.IsNullOrEmpty(pr.PullRequest.Author));
                break;
        }
    }

    [Fact]
    public void Subgroup_project_keeps_the_whole_namespace_as_owner()
    {
        var ev = GitLabWebhookParser.Parse(Mr, ExternalFixtures.Bytes("atlantis/server/events/testdata/gitlab-merge-request-event-subgroup.json"));
        var pr = Assert.IsType<PullRequestEvent>(ev).PullRequest;
        Assert.Equal(new RepoRef("lkysow-test/subgroup/sub-subgroup", "atlantis-example"), pr.Repo);
    }

    [Fact]
    public void Documented_note_example_reads_as_a_comment_on_merge_request_1()
    {
        var ev = GitLabWebhookParser.Parse(Note, ExternalFixtures.Bytes("gitlab-docs/note_hook.merge_request.doc-example.json"));
        var comment = Assert.IsType<PullRequestCommentEvent>(ev);
        Assert.Equal((new RepoRef("gitlab-org", "gitlab-test"), 1, "root", "This MR needs work."), (comment.Repo, comment.Number, comment.Author, comment.Body));
        Assert.Equal(GitLabNoteIds.Compose(1, 1244), comment.CommentId);
    }
}
