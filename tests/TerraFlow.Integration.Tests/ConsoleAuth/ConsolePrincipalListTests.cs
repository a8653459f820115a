using TerraFlow.Application.Access;

namespace TerraFlow.Integration.Tests.ConsoleAuth;

/// <summary>The format of TerraFlow__Auth__Viewers / __Operators / __Admins.</summary>
public sealed class ConsolePrincipalListTests
{
    private static ConsoleUser User(string idp, string login, params string[] groups) => new(idp, login, login, ConsoleRole.Viewer, groups);

    [Fact]
    public void Users_teams_and_groups_match_only_on_their_own_provider()
    {
        var list = ConsolePrincipalList.Parse("github:alice, github:team:acme/platform; gitlab:bob\nentra:group:5b1c0d3e-0000-4000-8000-000000000001, entra:7d9e0000-0000-4000-8000-000000000002", "X");
        Assert.Equal(5, list.Entries.Count);
        Assert.True(list.Contains(User("github", "Alice")));
        Assert.False(list.Contains(User("gitlab", "alice")));
        Assert.True(list.Contains(User("github", "carol", "acme/platform")));
        Assert.False(list.Contains(User("gitlab", "carol", "acme/platform")));
        Assert.True(list.Contains(User("gitlab", "bob")));
        Assert.True(list.Contains(User("entra", "someone", "5B1C0D3E-0000-4000-8000-000000000001")));
        Assert.True(list.Contains(User("entra", "7d9e0000-0000-4000-8000-000000000002")));
        Assert.False(list.Contains(User("github", "team")));
        Assert.Empty(ConsolePrincipalList.Parse("  ", "X").Entries);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("github:")]
    [InlineData("github:team:")]
    [InlineData("github:squad:acme/x")]
    [InlineData("github:acme/x")]
    [InlineData("github:a:b:c")]
    [InlineData(":alice")]
    [InlineData("git hub:alice")]
    public void A_malformed_entry_is_an_error_naming_it(string entry)
    {
        var error = Assert.Throws<FormatException>(() => ConsolePrincipalList.Parse("github:ok, " + entry, "TerraFlow__Auth__Operators"));
        Assert.Contains("TerraFlow__Auth__Operators", error.Message);
        Assert.Contains(entry.Trim(), error.Message);
    }

    [Fact]
    public void Roles_come_from_the_lists_admins_first()
    {
        var settings = new ConsoleAccessSettings(ConsolePrincipalList.Parse("github:v", "V"), ConsolePrincipalList.Parse("github:o, github:a", "O"),
            ConsolePrincipalList.Parse("github:a", "A"), TimeSpan.FromSeconds(60));
        Assert.Equal(ConsoleRole.Admin, settings.RoleOf(User("github", "a")));
        Assert.Equal(ConsoleRole.Operator, settings.RoleOf(User("github", "o")));
        Assert.Equal(ConsoleRole.Viewer, settings.RoleOf(User("github", "v")));
        Assert.Equal(ConsoleRole.Viewer, settings.RoleOf(User("github", "nobody")));
    }
}
