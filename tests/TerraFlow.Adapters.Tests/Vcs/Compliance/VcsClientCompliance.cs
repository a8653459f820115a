using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// The meaning of the VCS port (<see cref="IVcsClient"/>), written once and run against every provider's client and
/// its local API stand-in (a subclass per provider supplies <see cref="CreateFixtureAsync"/>). The workflow is
/// provider-blind: it relies on exactly these behaviours whichever host a repository lives on. Host-specific
/// behaviour (GitLab system notes, GitHub triage role…) is tested in the provider's own subclass, not here.
/// This file: pull requests. The other parts: comments, statuses, access, errors.
/// </summary>
public abstract partial class VcsClientCompliance : IAsyncLifetime
{
    protected const string HeadSha = "1111111111111111111111111111111111111111";
    protected const string BaseSha = "2222222222222222222222222222222222222222";

    private VcsComplianceFixture _fixture = null!;

    protected VcsComplianceFixture Fixture => _fixture;

    protected IVcsClient Client => _fixture.Client;

    protected RepoRef Repo => _fixture.Repo;

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<VcsComplianceFixture> CreateFixtureAsync();

    public async Task InitializeAsync() => _fixture = await CreateFixtureAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task An_open_pull_request_reports_head_base_author_state_and_clone_url()
    {
        Fixture.AddPullRequest(7, HeadSha, BaseSha, author: "dana");

        var pr = await Client.GetPullRequestAsync(Repo, 7, Ct);

        Assert.Equal(Repo, pr.Repo);
        Assert.Equal(7, pr.Number);
        Assert.Equal(HeadSha, pr.HeadSha);
        Assert.Equal(BaseSha, pr.BaseSha);
        Assert.Equal("feature", pr.HeadRef);
        Assert.Equal("main", pr.BaseRef);
        Assert.Equal("dana", pr.Author);
        Assert.True(pr.Open);
        Assert.False(pr.Merged);
        Assert.Equal(Fixture.RepoCloneUrl, pr.CloneUrl);
    }

    [Fact]
    public async Task A_pull_request_from_a_fork_is_cloned_from_where_the_host_keeps_its_commits()
    {
        var forkUrl = Fixture.AddForkPullRequest(8, HeadSha, forkOwner: "outside-contributor");

        var pr = await Client.GetPullRequestAsync(Repo, 8, Ct);

        Assert.Equal(Fixture.ForksClonedFromTheFork ? forkUrl : Fixture.RepoCloneUrl, pr.CloneUrl);
        Assert.Equal(HeadSha, pr.HeadSha);
        // A fork's author needs no permission here, so the workflow must know (issue 9): see PullRequestTrust.
        Assert.True(pr.FromFork);
    }

    [Fact]
    public async Task A_branch_of_the_repository_itself_is_not_a_fork()
    {
        Fixture.AddPullRequest(19, HeadSha, BaseSha, "dana");

        Assert.False((await Client.GetPullRequestAsync(Repo, 19, Ct)).FromFork);
    }

    [Fact]
    public async Task A_merged_pull_request_is_merged_and_not_open()
    {
        Fixture.AddPullRequest(9, HeadSha, BaseSha, "dana");
        Fixture.MarkMerged(9);

        var pr = await Client.GetPullRequestAsync(Repo, 9, Ct);

        Assert.False(pr.Open);
        Assert.True(pr.Merged);
    }

    [Fact]
    public async Task A_closed_pull_request_is_neither_open_nor_merged()
    {
        Fixture.AddPullRequest(10, HeadSha, BaseSha, "dana");
        Fixture.MarkClosed(10);

        var pr = await Client.GetPullRequestAsync(Repo, 10, Ct);

        Assert.False(pr.Open);
        Assert.False(pr.Merged);
    }

    [Fact]
    public async Task A_clean_pull_request_is_mergeable()
    {
        Fixture.AddPullRequest(11, HeadSha, BaseSha, "dana");
        Fixture.SetMergeSituation(11, MergeSituation.Clean);

        var pr = await Client.GetPullRequestAsync(Repo, 11, Ct);

        Assert.True(pr.Mergeable);
        Assert.NotEqual("behind", pr.MergeableState);
    }

    [Fact]
    public async Task A_pull_request_whose_base_moved_on_is_behind()
    {
        // "behind" is the one state the workflow acts on (apply waits for the head to be updated), so every adapter
        // must map its host's equivalent onto that exact word.
        Fixture.AddPullRequest(12, HeadSha, BaseSha, "dana");
        Fixture.SetMergeSituation(12, MergeSituation.Behind);

        var pr = await Client.GetPullRequestAsync(Repo, 12, Ct);

        Assert.Equal("behind", pr.MergeableState);
    }

    [Fact]
    public async Task A_conflicting_pull_request_is_not_mergeable_and_not_behind()
    {
        Fixture.AddPullRequest(13, HeadSha, BaseSha, "dana");
        Fixture.SetMergeSituation(13, MergeSituation.Conflict);

        var pr = await Client.GetPullRequestAsync(Repo, 13, Ct);

        Assert.False(pr.Mergeable);
        Assert.NotEqual("behind", pr.MergeableState);
    }

    [Fact]
    public async Task Mergeability_is_unknown_while_the_host_is_still_computing_it()
    {
        Fixture.AddPullRequest(14, HeadSha, BaseSha, "dana");
        Fixture.SetMergeSituation(14, MergeSituation.Computing);

        var pr = await Client.GetPullRequestAsync(Repo, 14, Ct);

        Assert.Null(pr.Mergeable);
        Assert.NotEqual("behind", pr.MergeableState);
    }

    [Fact]
    public async Task The_clone_token_is_the_configured_credential()
    {
        Assert.Equal(Fixture.ExpectedCloneToken, await Client.GetCloneTokenAsync(Repo, Ct));
    }
}
