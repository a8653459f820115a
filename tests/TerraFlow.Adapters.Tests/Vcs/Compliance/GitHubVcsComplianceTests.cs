using TerraFlow.Adapters.Tests.GitHub;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>The VCS compliance suite against <see cref="TerraFlow.Adapters.GitHub.GitHubClient"/> and FakeGitHub, plus what only GitHub has.</summary>
public sealed class GitHubVcsComplianceTests : VcsClientCompliance
{
    protected override async Task<VcsComplianceFixture> CreateFixtureAsync() =>
        new GitHubComplianceFixture(await GitHubTestSetup.StartAsync());

    private GitHubComplianceFixture GitHub => (GitHubComplianceFixture)Fixture;

    [Fact]
    public async Task Triage_is_its_own_level_on_GitHub()
    {
        GitHub.Server.SetCollaboratorPermission("acme", "infra", "dana", "triage");

        Assert.Equal(RepoPermission.Triage, await Client.GetPermissionAsync(Repo, "dana", Ct));
    }

    [Fact]
    public async Task A_custom_role_counts_as_its_base_permission()
    {
        GitHub.Server.SetCollaboratorPermission("acme", "infra", "dana", "security-auditor", basePermission: "read");

        Assert.Equal(RepoPermission.Read, await Client.GetPermissionAsync(Repo, "dana", Ct));
    }

    [Fact]
    public async Task A_pending_team_invitation_is_not_membership()
    {
        GitHub.Server.SetTeamMembership("acme", "reviewers", "dana", state: "pending");

        Assert.False(await Client.IsTeamMemberAsync(Repo, "acme/reviewers", "dana", Ct));
    }

    [Theory]
    [InlineData(CommitState.Failure, "failure")]
    [InlineData(CommitState.Error, "error")]
    public async Task Failure_and_error_keep_GitHubs_own_words(CommitState state, string expected)
    {
        await Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("ctx", state, "x", null), Ct);

        Assert.Equal(expected, Assert.Single(Fixture.Statuses(HeadSha)).State);
    }

    [Fact]
    public async Task A_403_rate_limit_is_retryable_on_GitHub()
    {
        // GitHub signals its primary rate limit with 403 and X-RateLimit-Remaining: 0, not 429.
        Fixture.AddPullRequest(40, HeadSha, BaseSha, "dana");
        GitHub.Server.FailNextRequests(1, 403);

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetPullRequestAsync(Repo, 40, Ct));
    }
}

/// <summary>Arranges FakeGitHub for the neutral scenarios: repository acme/infra, team acme/reviewers.</summary>
internal sealed class GitHubComplianceFixture : VcsComplianceFixture
{
    private const string Owner = "acme";
    private const string Name = "infra";
    private readonly GitHubTestSetup _setup;

    public GitHubComplianceFixture(GitHubTestSetup setup)
    {
        _setup = setup;
        setup.Server.AddRepository(Owner, Name);
    }

    public FakeGitHubServer Server => _setup.Server;

    public override IVcsClient Client => _setup.Client;

    public override RepoRef Repo { get; } = new(Owner, Name);

    public override string BotUser => new FakeGitHubOptions().TokenUser;

    public override int MaxStatusDescriptionLength => 140;

    public override string ExpectedCloneToken => Server.Token;

    public override string Team => "acme/reviewers";

    public override bool ForksClonedFromTheFork => true;


    public override string RepoCloneUrl => $"{Server.RootUrl}/{Owner}/{Name}.git";

    public override void AddPullRequest(int number, string headSha, string baseSha, string author) =>
        Server.AddPullRequest(Owner, Name, number, headSha, baseSha, author: author);

    public override string AddForkPullRequest(int number, string headSha, string forkOwner)
    {
        var forkUrl = $"{Server.RootUrl}/{forkOwner}/{Name}.git";
        Server.AddPullRequest(Owner, Name, number, headSha, author: forkOwner, headCloneUrl: forkUrl, forkOwner: forkOwner);
        return forkUrl;
    }

    public override void MarkMerged(int number) => Server.UpdatePullRequest(Pull(number) with { Open = false, Merged = true });

    public override void MarkClosed(int number) => Server.UpdatePullRequest(Pull(number) with { Open = false, Merged = false });

    public override void SetMergeSituation(int number, MergeSituation situation)
    {
        var (mergeable, state) = situation switch
        {
            MergeSituation.Clean => ((bool?)true, "clean"),
            MergeSituation.Behind => (true, "behind"),
            MergeSituation.Conflict => (false, "dirty"),
            MergeSituation.Computing => (null, "unknown"),
            _ => throw new ArgumentOutOfRangeException(nameof(situation)),
        };
        Server.SetMergeability(Owner, Name, number, mergeable, state);
    }

    public override void SeedComment(int number, string body, string author) => Server.AddComment(Owner, Name, number, body, author);

    // The fake's comment ids start at 1,000,000,001, so a small id was never issued.
    public override long UnknownCommentId(int number) => 42;

    public override IReadOnlyList<PostedStatus> Statuses(string sha) =>
        Server.Statuses.Where(s => s.Sha == sha).Select(s => new PostedStatus(s.Context, s.State, s.Description, s.TargetUrl)).ToList();

    public override void Grant(string user, HostRole role) => Server.SetCollaboratorPermission(Owner, Name, user, role switch
    {
        HostRole.Admin => "admin",
        HostRole.Maintain => "maintain",
        HostRole.Write => "write",
        HostRole.Read => "read",
        HostRole.NoAccess => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    });

    // GitHub has no separate user registry in the fake: a user who is neither collaborator nor team member already
    // gets 404 from the permission and membership endpoints, as a non-collaborator of a private repository does.
    public override void AddUserWithoutAccess(string user)
    {
    }

    public override void AddTeamMember(string user) => Server.SetTeamMembership("acme", "reviewers", user);

    public override void FailNextRequests(int count, int statusCode) => Server.FailNextRequests(count, statusCode);

    public override ValueTask DisposeAsync() => _setup.DisposeAsync();

    private FakePullRequest Pull(int number) =>
        Server.PullRequest(Owner, Name, number) ?? throw new InvalidOperationException($"No pull request #{number}; add it first.");
}
