using TerraFlow.Adapters.AzureDevOps;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeAzureDevOps;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>The VCS compliance suite against <see cref="AzureDevOpsClient"/> and FakeAzureDevOps, plus what only Azure DevOps has.</summary>
public sealed class AzureDevOpsVcsComplianceTests : VcsClientCompliance
{
    protected override async Task<VcsComplianceFixture> CreateFixtureAsync() => await AzureDevOpsComplianceFixture.StartAsync();

    private AzureDevOpsComplianceFixture AzDo => (AzureDevOpsComplianceFixture)Fixture;

    [Fact]
    public async Task A_status_on_an_open_pull_request_is_a_pull_request_status_with_genre_terraflow_and_name_plan_project()
    {
        Fixture.AddPullRequest(50, HeadSha, BaseSha, "dana");

        await Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("terraflow/plan: network", CommitState.Success, "2 to add", "https://tf/runs/1"), Ct);

        var posted = Assert.Single(AzDo.Server.Statuses);
        Assert.Equal((50, (string?)null, "succeeded", "terraflow", "plan/network", "https://tf/runs/1"),
            (posted.PullRequestId, posted.CommitId, posted.State, posted.Genre, posted.Name, posted.TargetUrl));
    }

    [Fact]
    public async Task Without_an_open_pull_request_the_status_goes_on_the_commit()
    {
        await Client.SetCommitStatusAsync(Repo, HeadSha, new CommitStatus("terraflow/apply: app", CommitState.Failure, "failed", null), Ct);

        var posted = Assert.Single(AzDo.Server.Statuses);
        Assert.Equal((null, HeadSha, "failed", "apply/app"), (posted.PullRequestId, posted.CommitId, posted.State, posted.Name));
    }

    [Fact]
    public async Task TerraFlows_comment_is_a_thread_of_its_own_without_a_status_so_it_never_blocks_completion()
    {
        Fixture.AddPullRequest(51, HeadSha, BaseSha, "dana");

        await Client.CreateCommentAsync(Repo, 51, "plan", Ct);

        var request = AzDo.Server.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/threads", StringComparison.Ordinal));
        Assert.DoesNotContain("\"status\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("api-version=7.1", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pat_is_sent_as_basic_with_an_empty_user_name()
    {
        Fixture.AddPullRequest(52, HeadSha, BaseSha, "dana");

        await Client.GetPullRequestAsync(Repo, 52, Ct);

        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(":" + AzDo.Server.Token));
        Assert.All(AzDo.Server.Requests, r => Assert.Equal(expected, r.Authorization));
    }

    [Fact]
    public async Task Without_a_pat_an_Entra_token_for_Azure_DevOps_is_sent_as_bearer()
    {
        await using var server = await FakeAzureDevOpsServer.StartAsync(new FakeAzureDevOpsOptions { EntraToken = "entra-access-token" });
        server.AddPullRequest("Infra", "platform", 3, HeadSha, BaseSha, author: "dana");
        var credential = new RecordingCredential("entra-access-token");
        var options = new AzureDevOpsOptions { OrganizationUrl = server.OrganizationUrl, IdentityUrl = server.OrganizationUrl };
        using var http = new HttpClient();
        var client = new AzureDevOpsClient(http, options, new AzureDevOpsCredentials(options, credential));

        var pr = await client.GetPullRequestAsync(new RepoRef("Infra", "platform"), 3, Ct);
        await client.GetPullRequestAsync(new RepoRef("Infra", "platform"), 3, Ct);

        Assert.Equal(HeadSha, pr.HeadSha);
        Assert.Equal(["499b84ac-1321-427f-aa17-267ca6975798/.default"], Assert.Single(credential.Requests));
        Assert.All(server.Requests, r => Assert.Equal("Bearer entra-access-token", r.Authorization));
        Assert.Equal("entra-access-token", await client.GetCloneTokenAsync(new RepoRef("Infra", "platform"), Ct));
    }

    [Fact]
    public async Task Reviewer_votes_of_10_and_5_approve_and_the_author_is_never_an_approver()
    {
        Fixture.AddPullRequest(53, HeadSha, BaseSha, "dana");
        AzDo.Server.SetVote(AzureDevOpsComplianceFixture.Project, AzureDevOpsComplianceFixture.Repository, 53, "erin", 10);
        AzDo.Server.SetVote(AzureDevOpsComplianceFixture.Project, AzureDevOpsComplianceFixture.Repository, 53, "frank", 5);
        AzDo.Server.SetVote(AzureDevOpsComplianceFixture.Project, AzureDevOpsComplianceFixture.Repository, 53, "gina", -5);
        AzDo.Server.SetVote(AzureDevOpsComplianceFixture.Project, AzureDevOpsComplianceFixture.Repository, 53, "dana", 10);

        var approvers = await ((AzureDevOpsClient)Client).GetApprovingReviewersAsync(Repo, 53, "dana", Ct);

        Assert.Equal(["erin", "frank"], approvers.Order());
    }

    private sealed class RecordingCredential(string token) : global::Azure.Core.TokenCredential
    {
        public List<string[]> Requests { get; } = [];

        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Requests.Add(requestContext.Scopes);
            return new global::Azure.Core.AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>Arranges FakeAzureDevOps for the neutral scenarios: project "Infra Team", repository "platform", group "[Infra Team]\Reviewers".</summary>
internal sealed class AzureDevOpsComplianceFixture : VcsComplianceFixture
{
    public const string Project = "Infra Team";
    public const string Repository = "platform";
    private const string Group = "[Infra Team]\\Reviewers";
    private readonly HttpClient _http = new();

    private AzureDevOpsComplianceFixture(FakeAzureDevOpsServer server)
    {
        Server = server;
        RepoCloneUrl = server.AddRepository(Project, Repository).RemoteUrl;
        var options = new AzureDevOpsOptions { OrganizationUrl = server.OrganizationUrl, Token = server.Token, IdentityUrl = server.OrganizationUrl };
        Client = new AzureDevOpsClient(_http, options, new AzureDevOpsCredentials(options));
        // The group exists without members, so "unknown team" and "not in the team" stay different cases.
        server.AddGroupMember(Group, server.TokenUser);
    }

    public static async Task<AzureDevOpsComplianceFixture> StartAsync() => new(await FakeAzureDevOpsServer.StartAsync());

    public FakeAzureDevOpsServer Server { get; }

    public override IVcsClient Client { get; }

    public override RepoRef Repo { get; } = new(Project, Repository);

    public override string BotUser => Server.TokenUser;

    public override int MaxStatusDescriptionLength => AzureDevOpsClient.MaxStatusDescriptionLength;

    public override string ExpectedCloneToken => Server.Token;

    public override string Team => Group;

    public override bool ForksClonedFromTheFork => false;

    public override string RepoCloneUrl { get; }

    public override void AddPullRequest(int number, string headSha, string baseSha, string author) =>
        Server.AddPullRequest(Project, Repository, number, headSha, baseSha, author: author);

    /// <summary>Azure DevOps serves a fork's commits under the target's refs/pull/N, and the PR's repository is the target.</summary>
    public override string AddForkPullRequest(int number, string headSha, string forkOwner)
    {
        var pr = Server.AddPullRequest(Project, Repository, number, headSha, author: forkOwner);
        Server.UpdatePullRequest(pr with { FromFork = true });
        return RepoCloneUrl;
    }

    public override void MarkMerged(int number) => Server.UpdatePullRequest(PullRequest(number) with { Status = "completed" });

    public override void MarkClosed(int number) => Server.UpdatePullRequest(PullRequest(number) with { Status = "abandoned" });

    public override void SetMergeSituation(int number, MergeSituation situation) =>
        Server.UpdatePullRequest(PullRequest(number) with
        {
            // Azure DevOps rebuilds the merge commit when the target moves: the merge still succeeds, the source is behind.
            BehindCount = situation == MergeSituation.Behind ? 2 : 0,
            MergeStatus = situation switch
            {
                MergeSituation.Clean => "succeeded",
                MergeSituation.Behind => "succeeded",
                MergeSituation.Conflict => "conflicts",
                MergeSituation.Computing => "queued",
                _ => throw new ArgumentOutOfRangeException(nameof(situation)),
            },
        });

    public override void SeedComment(int number, string body, string author) => Server.AddUserComment(Project, Repository, number, author, body);

    public override long UnknownCommentId(int number) => AzureDevOpsCommentIds.Compose(number, 999_999, 1);

    /// <summary>Pull request statuses of the pull request whose head is <paramref name="sha"/>, and commit statuses of it; Azure's state words mapped to the neutral ones.</summary>
    public override IReadOnlyList<PostedStatus> Statuses(string sha) =>
        Server.Statuses.Where(s => s.CommitId == sha || (s.PullRequestId is { } pr && Server.PullRequest(Project, Repository, pr)?.HeadSha == sha))
            .Select(s => new PostedStatus(Context(s), s.State switch { "succeeded" => "success", "failed" => "failure", var other => other }, s.Description, s.TargetUrl))
            .ToList();

    private static string Context(FakeAzDoStatus s)
    {
        var slash = s.Name.IndexOf('/', StringComparison.Ordinal);
        return s.Genre == "terraflow" && slash > 0 ? $"terraflow/{s.Name[..slash]}: {s.Name[(slash + 1)..]}" : s.Name;
    }

    public override void Grant(string user, HostRole role) => Server.SetPermission(Project, Repository, user, role switch
    {
        HostRole.Admin => FakeAzureDevOpsServer.Administer,
        HostRole.Maintain => FakeAzureDevOpsServer.Maintain,
        HostRole.Write => FakeAzureDevOpsServer.Contribute,
        HostRole.Read => FakeAzureDevOpsServer.Read,
        HostRole.NoAccess => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    });

    public override void AddUserWithoutAccess(string user) => Server.User(user);

    public override void AddTeamMember(string user) => Server.AddGroupMember(Group, user);

    public override void FailNextRequests(int count, int statusCode) => Server.FailNextRequests(count, statusCode);

    public override async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }

    private FakeAzDoPullRequest PullRequest(int number) =>
        Server.PullRequest(Project, Repository, number) ?? throw new InvalidOperationException($"No pull request {number}; add it first.");
}
