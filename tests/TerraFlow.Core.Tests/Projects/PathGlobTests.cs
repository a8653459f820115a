using TerraFlow.Core.Projects;
using Xunit.Abstractions;

namespace TerraFlow.Core.Tests.Projects;

[Collection(TimedTests.Name)]
public class PathGlobTests(ITestOutputHelper output)
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

    // Issue 10: the recursive matcher took exponential time (39 s of CPU in one discover job) on this pattern.
    [Theory]
    [InlineData(14, 60)]
    [InlineData(40, 200)]
    [InlineData(30, 500)]
    public void Many_double_stars_against_a_deep_path_match_in_linear_time(int doubleStars, int depth)
    {
        var pattern = string.Join('/', Enumerable.Repeat("**", doubleStars)) + "/x.tf";
        var path = string.Join('/', Enumerable.Repeat("a", depth)) + "/y.tf"; // never matches: the worst case
        var glob = PathGlob.Compile(".", pattern);
        Assert.True(glob.IsMatch("a/x.tf")); // warm up (JIT) and show the pattern works

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var matched = glob.IsMatch(path);
        clock.Stop();

        output.WriteLine($"{doubleStars} '**' against a path {depth} deep: {clock.Elapsed.TotalMilliseconds:F3} ms");
        Assert.False(matched);
        Assert.True(glob.IsMatch(path[..^4] + "x.tf"));
        Assert.True(clock.ElapsedMilliseconds < 100, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Many_stars_inside_one_segment_do_not_backtrack()
    {
        var glob = PathGlob.Compile(".", string.Concat(Enumerable.Repeat("*a", 100)) + "*b");
        var name = new string('a', 5000);
        Assert.True(glob.IsMatch(new string('a', 100) + "b")); // warm up (JIT)
        Assert.False(glob.IsMatch(new string('a', 99) + "b"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var matched = glob.IsMatch(name);
        clock.Stop();

        output.WriteLine($"101 stars in one segment against a 5,000-character name: {clock.Elapsed.TotalMilliseconds:F3} ms");
        Assert.False(matched);
        Assert.True(glob.IsMatch(name + "b"));
        Assert.True(clock.ElapsedMilliseconds < 100, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("a/**", "a", false)]
    [InlineData("a/**", "a/b", true)]
    [InlineData("a/**/**/b", "a/b", true)]
    [InlineData("a/**/**/b", "a/x/y/z/b/c.tf", true)]
    [InlineData("**/b/**/c", "x/b/y/b/c", true)]
    [InlineData("**/b/**/c", "x/b/y/d", false)]
    [InlineData("*/*", "a", false)]
    [InlineData("*/*", "a/b/c", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a?c*", "abcde", true)]
    [InlineData("*?", "", false)]
    public void Edge_cases_of_the_compiled_matcher(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathGlob.Compile(".", pattern).IsMatch(path));
}
