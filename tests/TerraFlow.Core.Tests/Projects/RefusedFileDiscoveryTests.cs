using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>A file the snapshot refuses to read becomes a configuration error naming it, never its content.</summary>
public sealed class RefusedFileDiscoveryTests
{
    private sealed class RefusingSnapshot(string refused, params (string Path, string Text)[] files) : IRepositorySnapshot
    {
        private readonly InMemoryRepositorySnapshot _inner = new(files.Append((refused, "SECRET CONTENT")).ToArray());

        public IReadOnlyList<string> Files => _inner.Files;

        public string ReadAllText(string path) =>
            path == refused ? throw new RepositoryFileRefusedException(path, "it is a symlink that points outside the repository.") : _inner.ReadAllText(path);
    }

    [Theory]
    [InlineData(".terraflow.yml")]
    [InlineData("infra/zero.tf")]
    public void Discovery_reports_the_refused_file_as_a_config_error(string refused)
    {
        var repo = new RefusingSnapshot(refused, ("infra/main.tf", "resource \"terraform_data\" \"x\" {}"));

        var result = ProjectDiscovery.Discover(repo);

        var error = Assert.IsType<ConfigError>(result.Error);
        Assert.Equal(refused, error.File);
        Assert.Contains("refused to read this file", error.Message);
        Assert.Contains("outside the repository", error.ToString());
        Assert.DoesNotContain("SECRET", error.ToString());
        Assert.Empty(result.Projects);
    }
}
