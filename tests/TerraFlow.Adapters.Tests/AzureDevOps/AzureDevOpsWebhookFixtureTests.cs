using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.AzureDevOps;

/// <summary>The parser against every real Azure DevOps service hook payload in ../shared/fixtures/external/azure-devops.</summary>
public sealed class AzureDevOpsWebhookFixtureTests
{
    private const string Root = "azure-devops/";

    /// <summary>Fixture → what TerraFlow must make of it (the event name is read from the body, as the webhook source does).</summary>
    public static readonly IReadOnlyDictionary<string, string> Catalog = new Dictionary<string, string>
    {
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/pr_created.json"] = "opened",
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/pr_updated.json"] = "merged",
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/pr_merged.json"] = "merged",
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/push.json"] = "ignored",
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/issue_comment.json"] = "comment",
        // An edit keeps the comment id: intake treats it as a comment it has already seen.
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/issue_comment_edit.json"] = "comment",
        ["drone-go-scm/scm/driver/azure/testdata/webhooks/issue_comment_delete.json"] = "ignored",
        ["go-playground-webhooks/testdata/azuredevops/git.pullrequest.created.json"] = "opened",
        ["go-playground-webhooks/testdata/azuredevops/git.pullrequest.updated.json"] = "merged",
        ["go-playground-webhooks/testdata/azuredevops/git.pullrequest.merged.json"] = "merged",
        ["go-playground-webhooks/testdata/azuredevops/git.push.json"] = "ignored",
        // 1.0 comment events carry only the comment: no project or repository name to act on.
        ["mcdafydd-go-azuredevops/azuredevops/testdata/git-pullrequest-comment-event-v1.json"] = "ignored",
        ["mcdafydd-go-azuredevops/azuredevops/testdata/git-pullrequest-comment-event-v2.json"] = "comment",
        ["tingle-dependabot-azure-devops/server/Tingle.Dependabot.Tests/Samples/git.pullrequest.updated-2.json"] = "merged",
        ["tingle-dependabot-azure-devops/server/Tingle.Dependabot.Tests/Samples/git.pullrequest.merged-2.json"] = "merged",
        ["tingle-dependabot-azure-devops/server/Tingle.Dependabot.Tests/Samples/git.push-2.json"] = "ignored",
        ["tingle-dependabot-azure-devops/server/Tingle.Dependabot.Tests/Samples/git.push-3.json"] = "ignored",
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__opened.json"] = "opened",
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__merged.json"] = "merged",
        // git.pullrequest.merged for a merge that failed on conflicts: the pull request is still active.
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__merge_attempted.json"] = "ignored",
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_push.json"] = "ignored",
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_push__local_branch_without_commits.json"] = "ignored",
        ["zulip/zerver/webhooks/azuredevops/fixtures/code_push__remove_branch.json"] = "ignored",
    };

    public static TheoryData<string> Fixtures() => [.. Catalog.Keys];

    [Fact]
    public void Every_service_hook_payload_in_the_shared_fixtures_is_catalogued()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(ExternalFixtures.Root, "azure-devops"), "*.json", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("\"eventType\"", StringComparison.Ordinal) && !f.Contains("vsts-rest-api-specs", StringComparison.Ordinal)
                && !f.Contains("/testdata/hook", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Path.Combine(ExternalFixtures.Root, "azure-devops"), f).Replace('\\', '/'))
            .Order().ToList();
        Assert.Equal(onDisk, Catalog.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_real_payload_parses_to_what_TerraFlow_expects(string fixture)
    {
        var body = ExternalFixtures.Bytes(Root + fixture);
        var eventType = AzureDevOpsWebhookParser.TryReadEnvelope(body).EventType;
        Assert.NotEqual("", eventType);
        Assert.NotEqual("", AzureDevOpsWebhookParser.TryReadEnvelope(body).Id);

        var ev = AzureDevOpsWebhookParser.Parse(eventType, body);

        var kind = ev switch
        {
            PullRequestEvent { Action: PullRequestAction.Opened } => "opened",
            PullRequestEvent { Action: PullRequestAction.Closed, PullRequest.Merged: true } => "merged",
            PullRequestEvent { Action: PullRequestAction.Closed } => "closed",
            PullRequestEvent { Action: PullRequestAction.Synchronize } => "synchronize",
            PullRequestCommentEvent => "comment",
            IgnoredEvent => "ignored",
            _ => ev.GetType().Name,
        };
        Assert.Equal(Catalog[fixture], kind);
    }

    [Fact]
    public void A_created_pull_request_names_project_repository_head_base_branches_author_and_a_clone_url_without_user_info()
    {
        var body = ExternalFixtures.Bytes(Root + "zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__opened.json");

        var ev = Assert.IsType<PullRequestEvent>(AzureDevOpsWebhookParser.Parse(AzureDevOpsWebhookParser.Created, body));

        var pr = ev.PullRequest;
        Assert.Equal(new RepoRef("test-zulip", "test-zulip"), pr.Repo);
        Assert.Equal(1, pr.Number);
        Assert.Equal("8b913c8e0d0492952bd215da12df9a422182e9c5", pr.HeadSha);
        Assert.Equal("0929a3404b39f6e39076a640779b2c1c961e19b5", pr.BaseSha);
        Assert.Equal(("dev", "main"), (pr.HeadRef, pr.BaseRef));
        Assert.Equal("yuroitaki@email.com", pr.Author);
        // remoteUrl is https://ttchong@dev.azure.com/…: the organization as user name is dropped.
        Assert.Equal("https://dev.azure.com/ttchong/test-zulip/_git/test-zulip", pr.CloneUrl);
        Assert.True(pr.Open);
        Assert.False(pr.FromFork);
    }

    [Fact]
    public void A_comment_event_names_the_pull_request_author_body_and_an_id_carrying_pull_request_thread_and_comment()
    {
        var body = ExternalFixtures.Bytes(Root + "mcdafydd-go-azuredevops/azuredevops/testdata/git-pullrequest-comment-event-v2.json");

        var ev = Assert.IsType<PullRequestCommentEvent>(AzureDevOpsWebhookParser.Parse(AzureDevOpsWebhookParser.Commented, body));

        var (pr, thread, comment) = AzureDevOpsCommentIds.Split(ev.CommentId);
        Assert.Equal(ev.Number, pr);
        Assert.True(thread > 0 && comment > 0);
        Assert.Contains("@", ev.Author, StringComparison.Ordinal);
        Assert.NotNull(ev.CreatedAt);
    }

    [Fact]
    public void The_event_name_must_match_the_bodys_eventType()
    {
        var body = ExternalFixtures.Bytes(Root + "zulip/zerver/webhooks/azuredevops/fixtures/code_pull_request__opened.json");

        Assert.Throws<AzureDevOpsPayloadException>(() => AzureDevOpsWebhookParser.Parse(AzureDevOpsWebhookParser.Merged, body));
    }
}
