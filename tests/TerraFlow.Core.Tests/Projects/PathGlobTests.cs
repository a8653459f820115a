using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class PathGlobTests
{
    [Theory]
    // '*' stays inside one segment
    [InlineData("infra", "*.tf", "infra/main.tf", true)]
    [InlineData("infra", "*.tf", "infra/sub/main.tf", false)]
    [InlineData("infra", "*.tf", "infra/main.tfvars", false)]
    [InlineData("infra", "*.tf", "other/main.tf", false)]
    // '**' spans zero or more segments
    [InlineData("infra", "**/*.tf", "infra/main.tf", true)]
    [InlineData("infra", "**/*.tf", "infra/a/b/c/main.tf", true)]
    [InlineData("infra", "**/*.tf", "infrastructure/main.tf", false)]
    [InlineData(".", "**/*.tf", "deep/er/main.tf", true)]
    [InlineData(".", "a/**/z/*.tf", "a/z/x.tf", true)]
    [InlineData(".", "a/**/z/*.tf", "a/b/c/z/x.tf", true)]
    [InlineData(".", "a/**/z/*.tf", "a/b/c/y/x.tf", false)]
    // '?' is one character, never '/'
    [InlineData(".", "env-?.tfvars", "env-a.tfvars", true)]
    [InlineData(".", "env-?.tfvars", "env-ab.tfvars", false)]
    [InlineData(".", "a?b", "a/b", false)]
    // '../' leaves the project directory
    [InlineData("infra/network", "../modules/**/*.tf", "infra/modules/vpc/main.tf", true)]
    [InlineData("infra/network", "../modules/**/*.tf", "infra/network/main.tf", false)]
    [InlineData("infra/network", "../../shared.tfvars", "shared.tfvars", true)]
    // A pattern matching a directory matches everything below it (Atlantis' MatchesOrParentMatches)
    [InlineData("app", "../modules/vpc", "modules/vpc/templates/user_data.sh", true)]
    [InlineData("app", "../modules/vpc", "modules/vpc2/main.tf", false)]
    // Several stars and odd file names
    [InlineData(".", "*-*.tf", "a-b-c.tf", true)]
    [InlineData(".", "*.tf", ".hidden.tf", true)]
    [InlineData(".", "main.tf", "main.tf", true)]
    [InlineData(".", "main.tf", "xmain.tf", false)]
    public void Matches_like_atlantis(string dir, string pattern, string path, bool expected)
    {
        var glob = PathGlob.Compile(dir, pattern);
        Assert.Equal(expected, glob.IsMatch(path));
    }

    [Fact]
    public void Pattern_is_resolved_against_the_project_dir()
    {
        var glob = PathGlob.Compile("infra/network", "../modules/**/*.tf");
        Assert.Equal("infra/modules/**/*.tf", glob.Pattern);
        Assert.Equal("infra/modules", glob.LiteralDirectory);
    }

    [Theory]
    [InlineData("infra", "../../x.tf", "points outside the repository")]
    [InlineData("infra", "/abs/*.tf", "is absolute")]
    [InlineData("infra", "*/../x.tf", "'..' after a wildcard")]
    [InlineData("infra", "!", "empty pattern")]
    public void Invalid_patterns_are_explained(string dir, string pattern, string problem)
    {
        Assert.False(PathGlob.TryCompile(dir, pattern, out _, out var message));
        Assert.Contains(problem, message);
    }

    [Fact]
    public void Exclusions_apply_in_order_last_match_wins()
    {
        var project = new ProjectDefinition("p", "app", "default", ["**/*.tf", "!generated/**", "generated/keep.tf"], [], true);
        var rules = WhenModifiedRules.For(project);

        Assert.True(rules.HasExclusions);
        Assert.True(rules.IsMatch("app/main.tf"));
        Assert.False(rules.IsMatch("app/generated/auto.tf"));
        Assert.True(rules.IsMatch("app/generated/keep.tf"));
    }
}
