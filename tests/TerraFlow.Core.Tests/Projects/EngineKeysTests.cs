using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary><c>engine</c>, <c>terraform_version</c> / <c>tofu_version</c>, <c>plan_timeout</c> and <c>apply_timeout</c> in <c>.terraflow.yml</c>.</summary>
public class EngineKeysTests
{
    private static ProjectDefinition Project(string keys)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", "version: 1\nprojects:\n  - dir: app\n" + keys);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return Assert.Single(result.Config.Projects);
    }

    private static ConfigError Error(string keys)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", "version: 1\nprojects:\n  - dir: app\n" + keys);
        Assert.False(result.IsSuccess);
        return result.Error;
    }

    [Fact]
    public void Nothing_set_leaves_every_choice_to_the_runner()
    {
        var project = Project("");
        Assert.Null(project.Engine);
        Assert.Null(project.EngineVersion);
        Assert.Null(project.PlanTimeout);
        Assert.Null(project.ApplyTimeout);
    }

    [Theory]
    [InlineData("    engine: tofu\n", "tofu", null)]
    [InlineData("    engine: opentofu\n", "tofu", null)]
    [InlineData("    engine: terraform\n    terraform_version: v1.11.4\n", "terraform", "1.11.4")]
    [InlineData("    tofu_version: 1.8.5\n", "tofu", "1.8.5")]
    [InlineData("    terraform_version: \"=1.5.7\"\n", "terraform", "1.5.7")]
    public void Engine_and_version(string keys, string engine, string? version)
    {
        var project = Project(keys);
        Assert.Equal(engine, project.Engine);
        Assert.Equal(version, project.EngineVersion);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("00:02:00", 120)]
    public void Timeouts_in_the_usual_spellings(string text, int seconds)
    {
        var project = Project($"    plan_timeout: {text}\n    apply_timeout: {text}\n");
        Assert.Equal(TimeSpan.FromSeconds(seconds), project.PlanTimeout);
        Assert.Equal(TimeSpan.FromSeconds(seconds), project.ApplyTimeout);
    }

    [Theory]
    [InlineData("    engine: pulumi\n", 4, "'engine' must be one of terraform, tofu, found 'pulumi'")]
    [InlineData("    terraform_version: \"~> 1.5\"\n", 4, "'terraform_version' must be an exact version such as 1.11.4, found '~> 1.5'")]
    [InlineData("    engine: tofu\n    terraform_version: 1.5.7\n", 5, "'terraform_version' does not fit 'engine: tofu'; use 'tofu_version'")]
    [InlineData("    terraform_version: 1.5.7\n    tofu_version: 1.8.5\n", 5, "set either 'terraform_version' or 'tofu_version', not both")]
    [InlineData("    plan_timeout: soon\n", 4, "'plan_timeout' must be a duration such as 90s, 10m, 1h30m or 00:10:00, found 'soon'")]
    [InlineData("    apply_timeout: 0s\n", 4, "'apply_timeout' must be a duration")]
    public void Mistakes_name_the_line_and_the_fix(string keys, int line, string message)
    {
        var error = Error(keys);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message);
        Assert.StartsWith("project #1: ", error.Message);
    }
}
