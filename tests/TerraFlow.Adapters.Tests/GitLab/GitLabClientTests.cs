using TerraFlow.Adapters.GitLab;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabClientTests
{
    private const string Head = "a7e1c0cceef744e6c13a9a728027f837b84b23be";
    private const string Base = "2608b60d023280134ca16252505ce307bf0eec97";
    private static readonly RepoRef Repo = new("acme/platform", "infra");

    [Fact]
    public async Task Merge_request_maps_shas_branches_author_state_and_clone_url_of_a_subgroup_project()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, Head, Base, sourceBranch: "feat/x", targetBranch: "main", author: "alice");

        var pr = await t.Client.GetPullRequestAsync(Repo, 7, CancellationToken.None);

        Assert.Equal((Head, Base, "feat/x", "main", "alice", true, false), (pr.HeadSha, pr.BaseSha, pr.HeadRef, pr.BaseRef, pr.Author, pr.Open, pr.Merged));
        Assert.Equal($"{t.Server.RootUrl}/acme/platform/infra.git", pr.CloneUrl);
        Assert.Equal(Repo, pr.Repo);
        Assert.Equal(7, pr.Number);
        // The project id travels as one URL-encoded segment, never as extra path segments.
        Assert.Contains(t.Server.Requests, r => r.Path == "/api/v4/projects/acme%2Fplatform%2Finfra/merge_requests/7");
        Assert.All(t.Server.Requests, r => Assert.Equal(t.Server.Token, r.Token));
    }

    [Fact]
    public async Task Merge_request_from_a_fork_is_cloned_from_the_target_project_never_from_the_fork()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 3, Head, Base, sourceProject: "mallory/infra-fork", author: "mallory");

        var pr = await t.Client.GetPullRequestAsync(Repo, 3, CancellationToken.None);

        // The fork's commits are fetched by SHA from the target (refs/merge-requests/3/head); the fork itself is
        // another project, which a run of acme/platform/infra may not clone with TerraFlow's token.
        Assert.Equal($"{t.Server.RootUrl}/acme/platform/infra.git", pr.CloneUrl);
    }

    [Theory]
    [InlineData("merged", false, true)]
    [InlineData("closed", false, false)]
    [InlineData("opened", true, false)]
    public async Task Open_and_merged_follow_the_state(string state, bool open, bool merged)
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 4, Head, Base, state: state);

        var pr = await t.Client.GetPullRequestAsync(Repo, 4, CancellationToken.None);

        Assert.Equal((open, merged), (pr.Open, pr.Merged));
    }

    [Theory]
    [InlineData("mergeable", true, "mergeable")]
    [InlineData("need_rebase", false, "behind")]
    [InlineData("conflict", false, "conflict")]
    [InlineData("checking", null, "checking")]
    [InlineData("unchecked", null, "unchecked")]
    [InlineData("ci_must_pass", false, "ci_must_pass")]
    public async Task Mergeability_comes_from_detailed_merge_status(string detailed, bool? mergeable, string state)
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 5, Head, Base);
        t.Server.SetDetailedMergeStatus("acme/platform/infra", 5, detailed);

        var pr = await t.Client.GetPullRequestAsync(Repo, 5, CancellationToken.None);

        Assert.Equal(mergeable, pr.Mergeable);
        Assert.Equal(state, pr.MergeableState);
    }

    [Fact]
    public async Task Comments_are_created_edited_in_place_and_listed_oldest_first_without_system_notes()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, Head, Base);
        t.Server.AddNote("acme/platform/infra", 7, "terraflow plan", author: "alice");
        t.Server.AddNote("acme/platform/infra", 7, "added 1 commit", author: "alice", system: true);

        var id = await t.Client.CreateCommentAsync(Repo, 7, "plan: pending", CancellationToken.None);
        await t.Client.UpdateCommentAsync(Repo, id, "plan: 1 to add", CancellationToken.None);
        var comments = await t.Client.ListCommentsAsync(Repo, 7, CancellationToken.None);

        Assert.Equal(["terraflow plan", "plan: 1 to add"], comments.Select(c => c.Body));
        Assert.Equal(["alice", t.Server.TokenUser], comments.Select(c => c.Author));
        Assert.Equal(id, comments[1].Id);
        var stored = Assert.Single(t.Server.Notes("acme/platform/infra", 7), n => n.Author == t.Server.TokenUser);
        Assert.Equal("plan: 1 to add", stored.Body);
        Assert.Equal((7L, stored.Id), GitLabNoteIds.Split(id));
        Assert.Contains(t.Server.Requests, r => r.Method == "PUT" && r.Path == $"/api/v4/projects/acme%2Fplatform%2Finfra/merge_requests/7/notes/{stored.Id}");
    }

    [Fact]
    public async Task Listing_follows_pagination_across_pages()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, Head, Base);
        for (var i = 0; i < 230; i++) t.Server.AddNote("acme/platform/infra", 7, $"note {i}", system: i % 50 == 0);

        var comments = await t.Client.ListCommentsAsync(Repo, 7, CancellationToken.None);

        Assert.Equal(230 - 5, comments.Count);
        Assert.Equal("note 1", comments[0].Body);
        Assert.Equal("note 229", comments[^1].Body);
        Assert.Equal(3, t.Server.Requests.Count(r => r.Path.EndsWith("/notes", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_note_longer_than_GitLab_allows_is_shortened_not_refused()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, Head, Base);

        await t.Client.CreateCommentAsync(Repo, 7, new string('x', 1_200_000), CancellationToken.None);

        var note = Assert.Single(t.Server.Notes("acme/platform/infra", 7));
        Assert.Equal(GitLabClient.MaxNoteLength, note.Body.Length);
        Assert.EndsWith("at most 1,000,000 characters.)_", note.Body);
    }

    [Fact]
    public async Task Updating_a_comment_id_that_is_not_a_GitLab_note_id_is_a_permanent_error()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        await Assert.ThrowsAsync<VcsPermanentException>(() => t.Client.UpdateCommentAsync(Repo, 12345, "x", CancellationToken.None));
        Assert.Empty(t.Server.Requests);
    }

    [Theory]
    [InlineData(CommitState.Pending, "pending")]
    [InlineData(CommitState.Success, "success")]
    [InlineData(CommitState.Failure, "failed")]
    [InlineData(CommitState.Error, "failed")]
    public async Task Commit_status_uses_GitLab_states_and_the_context_as_name(CommitState state, string expected)
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddProject("acme/platform/infra");

        await t.Client.SetCommitStatusAsync(Repo, Head, new CommitStatus("terraflow/plan: network", state, new string('d', 300), "https://tf.example/api/runs/1"), CancellationToken.None);

        var status = Assert.Single(t.Server.Statuses);
        Assert.Equal(("acme/platform/infra", Head, "terraflow/plan: network", expected, "https://tf.example/api/runs/1"),
            (status.ProjectPath, status.Sha, status.Name, status.State, status.TargetUrl));
        Assert.Equal(GitLabClient.MaxStatusDescriptionLength, status.Description!.Length);
    }

    [Fact]
    public async Task Repeating_the_same_status_is_done_although_GitLab_refuses_the_transition()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddProject("acme/platform/infra");
        var pending = new CommitStatus("terraflow/plan: network", CommitState.Pending, "planning", null);

        await t.Client.SetCommitStatusAsync(Repo, Head, pending, CancellationToken.None);
        await t.Client.SetCommitStatusAsync(Repo, Head, pending, CancellationToken.None);

        Assert.Single(t.Server.Statuses);
        Assert.Equal([201, 400], t.Server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Approvals_are_read_from_GitLab()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddMergeRequest("acme/platform", "infra", 7, Head, Base);
        t.Server.SetApprovals("acme/platform/infra", 7, "bob", "carol");

        Assert.Equal(["bob", "carol"], await t.Client.GetApprovalsAsync(Repo, 7, CancellationToken.None));
    }

    [Fact]
    public async Task Clone_token_is_the_configured_token()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        Assert.Equal(t.Server.Token, await t.Client.GetCloneTokenAsync(Repo, CancellationToken.None));
    }
}
