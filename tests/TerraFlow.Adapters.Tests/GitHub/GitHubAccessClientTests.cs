using TerraFlow.Adapters.GitHub;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Permission, team membership and mergeability: what approval and apply requirements are decided on.</summary>
public class GitHubAccessClientTests
{
    private static readonly RepoRef Repo = new("acme", "infra");
    private const string HeadSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private static CancellationToken Ct => CancellationToken.None;

    [Theory]
    [InlineData("admin", RepoPermission.Admin)]
    [InlineData("maintain", RepoPermission.Maintain)] // GitHub's legacy "permission" says "write" here
    [InlineData("write", RepoPermission.Write)]
    [InlineData("triage", RepoPermission.Triage)] // legacy "permission" says "read"
    [InlineData("read", RepoPermission.Read)]
    [InlineData("none", RepoPermission.None)]
    public async Task Reads_the_exact_role_of_a_collaborator(string role, RepoPermission expected)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetCollaboratorPermission("acme", "infra", "alice", role);

        Assert.Equal(expected, await gh.Client.GetPermissionAsync(Repo, "alice", Ct));
        var request = Assert.Single(gh.Server.Requests);
        Assert.Equal("/repos/acme/infra/collaborators/alice/permission", request.Path);
        Assert.Equal("GET", request.Method);
    }

    [Fact]
    public async Task A_custom_role_falls_back_to_its_base_permission()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetCollaboratorPermission("acme", "infra", "carol", role: "deployer", basePermission: "write");

        Assert.Equal(RepoPermission.Write, await gh.Client.GetPermissionAsync(Repo, "carol", Ct));
    }

    [Fact]
    public async Task Default_collaborator_role_is_write_and_strangers_have_none()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetCollaboratorPermission("acme", "infra", "alice");

        Assert.Equal(RepoPermission.Write, await gh.Client.GetPermissionAsync(Repo, "alice", Ct));
        Assert.Equal(RepoPermission.None, await gh.Client.GetPermissionAsync(Repo, "mallory", Ct));
        Assert.Equal(404, gh.Server.Requests[^1].ResponseStatus);
    }

    [Fact]
    public async Task Permission_lookup_escapes_the_user_name()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddRepository("acme", "infra");

        Assert.Equal(RepoPermission.None, await gh.Client.GetPermissionAsync(Repo, "../../orgs/x", Ct));
        Assert.Equal("/repos/acme/infra/collaborators/..%2F..%2Forgs%2Fx/permission", gh.Server.Requests[^1].Path);
    }

    [Fact]
    public async Task Permission_errors_other_than_404_surface()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetCollaboratorPermission("acme", "infra", "alice", "admin");
        gh.Server.FailNextRequests(1, 502);

        // A flaky API must not read as "no permission": the caller retries instead of refusing a real approver.
        await Assert.ThrowsAsync<HttpRequestException>(() => gh.Client.GetPermissionAsync(Repo, "alice", Ct));
        Assert.Equal(RepoPermission.Admin, await gh.Client.GetPermissionAsync(Repo, "alice", Ct));
    }

    [Fact]
    public async Task Only_active_team_members_count()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetTeamMembership("acme", "network", "alice");
        gh.Server.SetTeamMembership("acme", "network", "bob", state: "pending");
        gh.Server.SetTeamMembership("acme", "network", "dave", role: "maintainer");

        Assert.True(await gh.Client.IsTeamMemberAsync(Repo, "acme/network", "alice", Ct));
        Assert.True(await gh.Client.IsTeamMemberAsync(Repo, "@acme/network", "dave", Ct)); // as written in CODEOWNERS
        Assert.False(await gh.Client.IsTeamMemberAsync(Repo, "acme/network", "bob", Ct));
        Assert.False(await gh.Client.IsTeamMemberAsync(Repo, "acme/network", "mallory", Ct));
        Assert.False(await gh.Client.IsTeamMemberAsync(Repo, "acme/no-such-team", "alice", Ct));
        Assert.Equal("/orgs/acme/teams/network/memberships/alice", gh.Server.Requests[0].Path);
        Assert.Equal([200, 200, 200, 404, 404], gh.Server.Requests.Select(r => r.ResponseStatus));
    }

    [Fact]
    public async Task A_removed_team_member_is_no_longer_a_member()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.SetTeamMembership("acme", "network", "alice");
        gh.Server.RemoveTeamMembership("acme", "network", "alice");

        Assert.False(await gh.Client.IsTeamMemberAsync(Repo, "acme/network", "alice", Ct));
    }

    [Theory]
    [InlineData("network")]
    [InlineData("acme/")]
    [InlineData("/network")]
    [InlineData("acme/network/extra")]
    public async Task Team_names_must_be_org_slash_slug(string team)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => gh.Client.IsTeamMemberAsync(Repo, team, "alice", Ct));
        Assert.Empty(gh.Server.Requests);
    }

    [Fact]
    public async Task Team_lookup_works_under_an_enterprise_path_prefix()
    {
        await using var gh = await GitHubTestSetup.StartAsync(new FakeGitHubOptions { PathPrefix = "/api/v3" });
        gh.Server.SetTeamMembership("acme", "network", "alice");
        gh.Server.SetCollaboratorPermission("acme", "infra", "alice", "maintain");

        Assert.True(await gh.Client.IsTeamMemberAsync(Repo, "acme/network", "alice", Ct));
        Assert.Equal(RepoPermission.Maintain, await gh.Client.GetPermissionAsync(Repo, "alice", Ct));
        Assert.All(gh.Server.Requests, r => Assert.StartsWith("/api/v3/", r.Path));
    }

    [Theory]
    [InlineData(true, "clean")]
    [InlineData(false, "dirty")]
    [InlineData(true, "behind")]
    [InlineData(null, "unknown")]
    public async Task Pull_request_reports_mergeability(bool? mergeable, string state)
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SetMergeability("acme", "infra", 7, mergeable, state);

        var pr = await gh.Client.GetPullRequestAsync(Repo, 7, Ct);

        Assert.Equal(mergeable, pr.Mergeable);
        Assert.Equal(state, pr.MergeableState);
    }

    [Fact]
    public async Task Mergeability_survives_a_push()
    {
        await using var gh = await GitHubTestSetup.StartAsync();
        var pr = gh.Server.AddPullRequest("acme", "infra", 7, HeadSha);
        gh.Server.SetMergeability("acme", "infra", 7, false, "blocked");
        gh.Server.UpdatePullRequest(gh.Server.PullRequest("acme", "infra", 7)! with { HeadSha = "1".PadLeft(40, '1') });

        var info = await gh.Client.GetPullRequestAsync(Repo, 7, Ct);
        Assert.False(info.Mergeable);
        Assert.Equal("blocked", info.MergeableState);
        Assert.True(pr.Mergeable); // the record handed out earlier is a snapshot
    }

    [Theory]
    [InlineData("ADMIN", null, RepoPermission.Admin)]
    [InlineData(null, "write", RepoPermission.Write)]
    [InlineData("custom-role", "read", RepoPermission.Read)]
    [InlineData("custom-role", "surprise", RepoPermission.None)]
    [InlineData(null, null, RepoPermission.None)]
    public void Permission_vocabulary_maps_conservatively(string? roleName, string? permission, RepoPermission expected) =>
        Assert.Equal(expected, GitHubPermissions.FromResponse(roleName, permission));
}
