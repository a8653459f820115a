using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Tests.GitLab;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitLab;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>The VCS compliance suite against <see cref="GitLabClient"/> and FakeGitLab, plus what only GitLab has.</summary>
public sealed class GitLabVcsComplianceTests : VcsClientCompliance
{
    protected override async Task<VcsComplianceFixture> CreateFixtureAsync() =>
        new GitLabComplianceFixture(await GitLabTestSetup.StartAsync());

    private GitLabComplianceFixture GitLab => (GitLabComplianceFixture)Fixture;

    [Theory]
    [InlineData(20)] // reporter
    [InlineData(15)] // planner
    [InlineData(10)] // guest
    public async Task Reporter_planner_and_guest_can_read_only(int accessLevel)
    {
        GitLab.Server.SetMember(GitLabComplianceFixture.ProjectPath, "dana", accessLevel);

        Assert.Equal(RepoPermission.Read, await Client.GetPermissionAsync(Repo, "dana", Ct));
    }

    [Fact]
    public async Task An_owner_of_a_parent_group_is_an_admin_of_the_project()
    {
        GitLab.Server.SetGroupMember("acme", "dana", 50);

        Assert.Equal(RepoPermission.Admin, await Client.GetPermissionAsync(Repo, "dana", Ct));
    }

    [Fact]
    public async Task GitLabs_own_system_notes_are_not_comments()
    {
        Fixture.AddPullRequest(40, HeadSha, BaseSha, "dana");
        Fixture.SeedComment(40, "terraflow plan", "dana");
        GitLab.Server.AddNote(GitLabComplianceFixture.ProjectPath, 40, "added 1 commit", "dana", system: true);
        var id = await Client.CreateCommentAsync(Repo, 40, "Plan running", Ct);

        var comments = await Client.ListCommentsAsync(Repo, 40, Ct);

        Assert.Equal(["terraflow plan", "Plan running"], comments.Select(c => c.Body));
        Assert.Equal(id, comments[^1].Id);
    }

    [Theory]
    [InlineData(CommitState.Failure)]
    [InlineData(CommitState.Error)]
    public async Task Failure_and_error_are_both_failed_on_GitLab(CommitState state)
    {
        await Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("ctx", state, "x", null), Ct);

        Assert.Equal("failed", Assert.Single(Fixture.Statuses(HeadSha)).State);
    }

    [Fact]
    public async Task A_description_up_to_255_characters_is_kept_whole_on_GitLab()
    {
        var description = new string('d', 254) + "!";
        await Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("ctx", CommitState.Success, description, null), Ct);

        Assert.Equal(description, Assert.Single(Fixture.Statuses(HeadSha)).Description);
    }

    [Fact]
    public async Task A_403_is_permanent_on_GitLab()
    {
        // GitLab rate-limits with 429 only; its 403 means the token lacks access, which retrying will not change.
        Fixture.AddPullRequest(41, HeadSha, BaseSha, "dana");
        GitLab.Server.FailNextRequests(1, 403);

        Assert.Equal(403, (await Assert.ThrowsAsync<VcsPermanentException>(() => Client.GetPullRequestAsync(Repo, 41, Ct))).StatusCode);
    }
}

/// <summary>Arranges FakeGitLab for the neutral scenarios: project acme/platform/infra, group acme/reviewers.</summary>
internal sealed class GitLabComplianceFixture : VcsComplianceFixture
{
    public const string ProjectPath = "acme/platform/infra";
    private const string Namespace = "acme/platform";
    private const string Project = "infra";
    private const string ReviewersGroup = "acme/reviewers";
    private readonly GitLabTestSetup _setup;

    public GitLabComplianceFixture(GitLabTestSetup setup)
    {
        _setup = setup;
        RepoCloneUrl = setup.Server.AddProject(ProjectPath).HttpUrlToRepo;
        // Creates the group without members, so "unknown team" and "not in the team" stay different cases.
        setup.Server.SetGroupMember(ReviewersGroup, setup.Server.TokenUser, null);
    }

    public FakeGitLabServer Server => _setup.Server;

    public override IVcsClient Client => _setup.Client;

    public override RepoRef Repo { get; } = new(Namespace, Project);

    public override string BotUser => Server.TokenUser;

    public override int MaxStatusDescriptionLength => GitLabClient.MaxStatusDescriptionLength;

    public override string ExpectedCloneToken => Server.Token;

    public override string Team => ReviewersGroup;

    public override bool ForksClonedFromTheFork => false;


    public override string RepoCloneUrl { get; }

    public override void AddPullRequest(int number, string headSha, string baseSha, string author) =>
        Server.AddMergeRequest(Namespace, Project, number, headSha, baseSha, author: author);

    public override string AddForkPullRequest(int number, string headSha, string forkOwner)
    {
        var fork = $"{forkOwner}/{Project}";
        Server.AddMergeRequest(Namespace, Project, number, headSha, author: forkOwner, sourceProject: fork);
        return Server.AddProject(fork).HttpUrlToRepo;
    }

    public override void MarkMerged(int number) => Server.UpdateMergeRequest(MergeRequest(number) with { State = "merged" });

    public override void MarkClosed(int number) => Server.UpdateMergeRequest(MergeRequest(number) with { State = "closed" });

    public override void SetMergeSituation(int number, MergeSituation situation) =>
        Server.SetDetailedMergeStatus(ProjectPath, number, situation switch
        {
            MergeSituation.Clean => "mergeable",
            MergeSituation.Behind => "need_rebase",
            MergeSituation.Conflict => "conflict",
            MergeSituation.Computing => "checking",
            _ => throw new ArgumentOutOfRangeException(nameof(situation)),
        });

    public override void SeedComment(int number, string body, string author) => Server.AddNote(ProjectPath, number, body, author);

    // A well-formed id (this merge request, a note id the fake never issued: its ids start at 5001).
    public override long UnknownCommentId(int number) => GitLabNoteIds.Compose(number, 999_999);

    public override IReadOnlyList<PostedStatus> Statuses(string sha) =>
        Server.Statuses.Where(s => s.Sha == sha && s.ProjectPath == ProjectPath)
            .Select(s => new PostedStatus(s.Name, s.State, s.Description, s.TargetUrl)).ToList();

    public override void Grant(string user, HostRole role) => Server.SetMember(ProjectPath, user, role switch
    {
        HostRole.Admin => 50, // owner
        HostRole.Maintain => 40, // maintainer
        HostRole.Write => 30, // developer
        HostRole.Read => 20, // reporter
        HostRole.NoAccess => 5, // minimal access
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    });

    public override void AddUserWithoutAccess(string user) => Server.AddUser(user);

    public override void AddTeamMember(string user) => Server.SetGroupMember(ReviewersGroup, user, 30);

    public override void FailNextRequests(int count, int statusCode) => Server.FailNextRequests(count, statusCode);

    public override ValueTask DisposeAsync() => _setup.DisposeAsync();

    private FakeMergeRequest MergeRequest(int number) =>
        Server.MergeRequest(ProjectPath, number) ?? throw new InvalidOperationException($"No merge request !{number}; add it first.");
}
