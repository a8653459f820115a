using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class RepoPathTests
{
    [Theory]
    [InlineData("./a//b/../c/", "a/c")]
    [InlineData(".", ".")]
    [InlineData("a/..", ".")]
    [InlineData("a\\b", "a/b")]
    public void Normalizes(string path, string expected) => Assert.Equal(expected, RepoPath.Normalize(path));

    [Theory]
    [InlineData(".terraform/modules/x/main.tf", true)]
    [InlineData("app/.terraform/modules/x/main.tf", true)]
    [InlineData(".github/workflows/ci.yml", true)]
    [InlineData("app/main.tf", false)]
    [InlineData(".terraflow.yml", false)]
    [InlineData("app/.hidden.tf", false)]
    public void Detects_hidden_directories(string path, bool hidden) => Assert.Equal(hidden, RepoPath.IsInHiddenDirectory(path));

    [Fact]
    public void Combine_refuses_to_leave_the_repository()
    {
        Assert.True(RepoPath.TryCombine("a/b", "../../c", out var inside));
        Assert.Equal("c", inside);
        Assert.False(RepoPath.TryCombine("a", "../../c", out _));
    }
}
