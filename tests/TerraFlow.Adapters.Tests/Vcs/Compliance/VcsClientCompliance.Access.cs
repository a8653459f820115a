using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Tests.Vcs.Compliance;

/// <summary>
/// Permissions and team membership decide who may apply and approve, so they must mean the same on every host and
/// never grant more than the host said.
/// </summary>
public abstract partial class VcsClientCompliance
{
    [Theory]
    [InlineData(HostRole.Admin, RepoPermission.Admin)]
    [InlineData(HostRole.Maintain, RepoPermission.Maintain)]
    [InlineData(HostRole.Write, RepoPermission.Write)]
    [InlineData(HostRole.Read, RepoPermission.Read)]
    [InlineData(HostRole.NoAccess, RepoPermission.None)]
    public async Task A_host_role_maps_to_the_same_permission_on_every_host(HostRole role, RepoPermission expected)
    {
        Fixture.Grant("dana", role);

        Assert.Equal(expected, await Client.GetPermissionAsync(Repo, "dana", Ct));
    }

    [Fact]
    public async Task A_known_user_who_is_not_a_member_has_no_permission()
    {
        Fixture.AddUserWithoutAccess("mallory");

        Assert.Equal(RepoPermission.None, await Client.GetPermissionAsync(Repo, "mallory", Ct));
    }

    [Fact]
    public async Task A_user_the_host_does_not_know_has_no_permission()
    {
        Assert.Equal(RepoPermission.None, await Client.GetPermissionAsync(Repo, "nobody-by-this-name", Ct));
    }

    [Fact]
    public async Task Permissions_of_different_users_do_not_leak_into_each_other()
    {
        Fixture.Grant("dana", HostRole.Admin);
        Fixture.Grant("erin", HostRole.Read);

        Assert.Equal(RepoPermission.Admin, await Client.GetPermissionAsync(Repo, "dana", Ct));
        Assert.Equal(RepoPermission.Read, await Client.GetPermissionAsync(Repo, "erin", Ct));
    }

    [Fact]
    public async Task User_and_team_names_match_regardless_of_case()
    {
        // Hosts treat logins and team/group paths case-insensitively; a comment author's casing must not cost access.
        Fixture.Grant("dana", HostRole.Write);
        Fixture.AddTeamMember("dana");

        Assert.Equal(RepoPermission.Write, await Client.GetPermissionAsync(Repo, "Dana", Ct));
        Assert.True(await Client.IsTeamMemberAsync(Repo, Fixture.Team.ToUpperInvariant(), "DANA", Ct));
    }

    [Fact]
    public async Task A_team_member_is_a_member()
    {
        Fixture.AddTeamMember("dana");

        Assert.True(await Client.IsTeamMemberAsync(Repo, Fixture.Team, "dana", Ct));
    }

    [Fact]
    public async Task A_team_written_with_a_leading_at_as_in_CODEOWNERS_is_accepted()
    {
        Fixture.AddTeamMember("dana");

        Assert.True(await Client.IsTeamMemberAsync(Repo, "@" + Fixture.Team, "dana", Ct));
    }

    [Fact]
    public async Task A_known_user_outside_the_team_is_not_a_member()
    {
        Fixture.AddTeamMember("dana");
        Fixture.AddUserWithoutAccess("mallory");

        Assert.False(await Client.IsTeamMemberAsync(Repo, Fixture.Team, "mallory", Ct));
    }

    [Fact]
    public async Task An_unknown_user_or_an_unknown_team_is_not_a_member()
    {
        Fixture.AddTeamMember("dana");

        Assert.False(await Client.IsTeamMemberAsync(Repo, Fixture.Team, "nobody-by-this-name", Ct));
        Assert.False(await Client.IsTeamMemberAsync(Repo, Fixture.Team + "-does-not-exist", "dana", Ct));
    }

    [Fact]
    public async Task Repository_access_alone_does_not_make_a_team_member()
    {
        Fixture.AddTeamMember("dana");
        Fixture.Grant("erin", HostRole.Admin);

        Assert.False(await Client.IsTeamMemberAsync(Repo, Fixture.Team, "erin", Ct));
    }
}
