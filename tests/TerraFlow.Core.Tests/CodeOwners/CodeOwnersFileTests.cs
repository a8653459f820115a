using TerraFlow.Core.CodeOwners;

namespace TerraFlow.Core.Tests.CodeOwners;

/// <summary>The examples of GitHub's "About code owners" page, plus the lines GitHub rejects.</summary>
public class CodeOwnersFileTests
{
    // The documented example file (comments shortened), in GitHub's order.
    private const string GitHubExample = """
        # This is a comment.
        *       @global-owner1 @global-owner2
        *.js    @js-owner #This is an inline comment.
        *.go docs@example.com
        *.txt @octo-org/octocats
        /build/logs/ @doctocat
        docs/* docs@example.com
        apps/ @octocat
        /docs/ @doctocat
        /scripts/ @doctocat @octocat
        **/logs @octocat
        /apps/ @octocat
        /apps/github
        """;

    private static readonly CodeOwnersFile Example = CodeOwnersFile.Parse(GitHubExample);

    [Theory]
    [InlineData("some/deeply/nested/file.rb", "@global-owner1 @global-owner2")]
    [InlineData("README.md", "@global-owner1 @global-owner2")]
    [InlineData("src/app.js", "@js-owner")]
    [InlineData("notes.txt", "@octo-org/octocats")]
    [InlineData("build/logs/today.log", "@octocat")] // **/logs comes later and wins
    [InlineData("build/other/today.log", "@global-owner1 @global-owner2")]
    [InlineData("scripts/deploy.sh", "@doctocat @octocat")]
    [InlineData("deeply/nested/logs/x.txt", "@octocat")]
    [InlineData("apps/main/index.js", "@octocat")]
    [InlineData("nested/apps/main.tf", "@octocat")] // apps/ matches at any depth
    public void Last_matching_line_wins(string path, string owners) =>
        Assert.Equal(owners.Split(' '), Example.OwnersOf(path));

    [Fact]
    public void A_line_without_owners_leaves_its_files_unowned()
    {
        Assert.Empty(Example.OwnersOf("apps/github/index.js"));
        Assert.NotNull(Example.RuleFor("apps/github/index.js"));
    }

    [Fact]
    public void Emails_are_kept_apart_from_login_owners()
    {
        var rule = Example.RuleFor("main.go")!;
        Assert.Empty(rule.Owners);
        Assert.Equal(["docs@example.com"], rule.Emails);
        Assert.Empty(Example.OwnersOf("main.go"));
    }

    [Fact]
    public void Single_star_does_not_cross_directories()
    {
        var file = CodeOwnersFile.Parse("docs/* @docs\n");
        Assert.Equal(["@docs"], file.OwnersOf("docs/getting-started.md"));
        Assert.Empty(file.OwnersOf("docs/build-app/troubleshooting.md"));
        Assert.Empty(file.OwnersOf("sub/docs/a.md")); // an inner slash anchors at the root
    }

    [Theory]
    [InlineData("/infra/ @net", "infra/a/b/main.tf", true)]
    [InlineData("/infra/ @net", "other/infra/main.tf", false)]
    [InlineData("infra/ @net", "other/infra/main.tf", true)]
    [InlineData("/infra @net", "infra/main.tf", true)]
    [InlineData("/infra @net", "infrastructure/main.tf", false)]
    [InlineData("infra/net @net", "infra/net/main.tf", true)]
    [InlineData("infra/net @net", "x/infra/net/main.tf", false)]
    [InlineData("a/**/b @net", "a/b/main.tf", true)]
    [InlineData("a/**/b @net", "a/x/y/b/main.tf", true)]
    [InlineData("a/** @net", "a/x/y.tf", true)]
    [InlineData("a/** @net", "b/a/y.tf", false)]
    [InlineData("*.tf @net", "deep/er/main.tf", true)]
    [InlineData("*.tf @net", "main.tfvars", false)]
    [InlineData("main.t? @net", "x/main.tf", true)]
    [InlineData("/*.tf @net", "x/main.tf", false)]
    [InlineData("/*.tf @net", "main.tf", true)]
    [InlineData("Infra/ @net", "infra/main.tf", false)] // case-sensitive, like GitHub
    [InlineData("** @net", "any/thing.tf", true)]
    public void Patterns_follow_GitHub_rules(string line, string path, bool owned) =>
        Assert.Equal(owned, CodeOwnersFile.Parse(line).OwnersOf(path).Count == 1);

    [Theory]
    [InlineData("!docs/ @a", "negation")]
    [InlineData("*.[ch] @a", "character ranges")]
    [InlineData("\\#notes @a", "leading '#'")]
    [InlineData("docs/ not-an-owner", "not a valid owner")]
    [InlineData("docs/ @a @", "not a valid owner")]
    public void Malformed_lines_are_skipped_and_reported(string bad, string reason)
    {
        var file = CodeOwnersFile.Parse($"* @everyone\n{bad}\n/x/ @x\n");

        var problem = Assert.Single(file.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains(reason, problem.Message);
        Assert.Equal(["@everyone"], file.OwnersOf("docs/a.md"));
        Assert.Equal(["@x"], file.OwnersOf("x/a.md"));
    }

    [Fact]
    public void Comments_blank_lines_and_crlf_are_ignored()
    {
        var file = CodeOwnersFile.Parse("# owners\r\n\r\n   \r\n*.tf\t@a  @org/b   # infra\r\n");

        var rule = Assert.Single(file.Rules);
        Assert.Equal(4, rule.Line);
        Assert.Equal(["@a", "@org/b"], rule.Owners);
        Assert.Empty(file.Problems);
    }

    [Fact]
    public void Paths_are_normalized_before_matching()
    {
        var file = CodeOwnersFile.Parse("/infra/ @net\n");
        Assert.Equal(["@net"], file.OwnersOf("/infra/main.tf"));
        Assert.Equal(["@net"], file.OwnersOf("./infra/main.tf"));
    }

    [Fact]
    public void Unmatched_files_have_no_owners() =>
        Assert.Empty(CodeOwnersFile.Parse("/infra/ @net\n").OwnersOf("app/main.tf"));

    [Fact]
    public void An_oversized_file_is_ignored_like_GitHub_does()
    {
        var huge = string.Concat(Enumerable.Repeat("* @a\n", CodeOwnersFile.MaxBytes / 5 + 1));
        var file = CodeOwnersFile.Parse(huge);
        Assert.Empty(file.Rules);
        Assert.Contains("3 MB", Assert.Single(file.Problems).Message);
    }
}
