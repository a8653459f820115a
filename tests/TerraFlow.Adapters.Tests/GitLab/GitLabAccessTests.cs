using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.GitLab;

public sealed class GitLabAccessTests
{
    private static readonly RepoRef Repo = new("acme/platform", "infra");

    [Theory]
    [InlineData(50, RepoPermission.Admin)]
    [InlineData(40, RepoPermission.Maintain)]
    [InlineData(30, RepoPermission.Write)]
    [InlineData(20, RepoPermission.Read)]
    [InlineData(10, RepoPermission.Read)]
    [InlineData(5, RepoPermission.None)]
    public async Task Project_access_level_maps_to_a_permission(int level, RepoPermission expected)
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.SetMember("acme/platform/infra", "bob", level);

        Assert.Equal(expected, await t.Client.GetPermissionAsync(Repo, "bob", CancellationToken.None));
        Assert.Contains(t.Server.Requests, r => r.Path == "/api/v4/users" && r.Query == "?username=bob");
    }

    [Fact]
    public async Task Access_inherited_from_a_parent_group_counts()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddProject("acme/platform/infra");
        t.Server.SetGroupMember("acme", "olga", 40);

        Assert.Equal(RepoPermission.Maintain, await t.Client.GetPermissionAsync(Repo, "olga", CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_users_and_non_members_have_no_permission()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.AddProject("acme/platform/infra");
        t.Server.AddUser("stranger");

        Assert.Equal(RepoPermission.None, await t.Client.GetPermissionAsync(Repo, "nobody-at-all", CancellationToken.None));
        Assert.Equal(RepoPermission.None, await t.Client.GetPermissionAsync(Repo, "stranger", CancellationToken.None));
        Assert.Contains(t.Server.Requests, r => r.Status == 404 && r.Path.Contains("/members/all/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Group_membership_includes_subgroups_of_the_member_group_and_404_is_false()
    {
        await using var t = await GitLabTestSetup.StartAsync();
        t.Server.SetGroupMember("acme/platform", "bob", 30);
        t.Server.SetGroupMember("acme/security", "carol", 30);
        t.Server.SetGroupMember("acme/platform/sre", "dave", null);

        Assert.True(await t.Client.IsTeamMemberAsync(Repo, "@acme/platform", "bob", CancellationToken.None));
        Assert.True(await t.Client.IsTeamMemberAsync(Repo, "acme/platform/sre", "bob", CancellationToken.None)); // inherited from acme/platform
        Assert.False(await t.Client.IsTeamMemberAsync(Repo, "acme/platform", "carol", CancellationToken.None));
        Assert.False(await t.Client.IsTeamMemberAsync(Repo, "acme/no-such-group", "bob", CancellationToken.None));
        Assert.False(await t.Client.IsTeamMemberAsync(Repo, "acme/platform", "unknown-user", CancellationToken.None));
        Assert.Contains(t.Server.Requests, r => r.Path.StartsWith("/api/v4/groups/acme%2Fplatform/members/all/", StringComparison.Ordinal));
    }
}
