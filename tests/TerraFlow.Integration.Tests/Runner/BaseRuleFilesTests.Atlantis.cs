using TerraFlow.Core.Projects;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// <c>atlantis.yaml</c> changes which file describes the projects, never where the rules come from: the discover job
/// still takes them from the base commit.
/// </summary>
public sealed partial class BaseRuleFilesTests
{
    [Fact]
    public async Task Replacing_terraflow_yml_by_atlantis_yaml_in_a_pull_request_keeps_the_base_rules()
    {
        _repo.Write("app/main.tf", "resource \"terraform_data\" \"a\" {}\n")
             .Write(".terraflow.yml", "version: 1\nprojects:\n  - dir: app\n    apply_requirements: [approved, mergeable]\n");
        var baseSha = _repo.Commit("base");
        _repo.Checkout("feature", create: true);
        _repo.Delete(".terraflow.yml")
             .Write("atlantis.yaml", "version: 3\nprojects:\n  - dir: app\n    apply_requirements: []\n")
             .Write("app/main.tf", "resource \"terraform_data\" \"b\" {}\n");
        var headSha = _repo.Commit("switch to atlantis.yaml");

        var outcome = await DiscoverAsync(baseSha, headSha);

        Assert.True(outcome.Succeeded, outcome.FailureMessage ?? outcome.ConfigError?.ToString());
        var app = outcome.AllProjects.Single();
        Assert.Equal([ApplyRequirement.Approved, ApplyRequirement.Mergeable], app.Apply.Requirements);
        Assert.Equal(["app"], outcome.AffectedProjects);
        // The comment says where the projects came from and that Atlantis's apply_requirements did nothing.
        Assert.Contains("Projects are read from `atlantis.yaml`", outcome.RuleNotice);
        Assert.Contains("`apply_requirements` (in `app`)", outcome.RuleNotice);
    }

    [Fact]
    public async Task An_invalid_atlantis_yaml_on_the_base_stops_the_run_and_says_it_is_the_base_branchs()
    {
        _repo.Write("app/main.tf", "resource \"terraform_data\" \"a\" {}\n").Write("atlantis.yaml", "version: 3\nprojects:\n  - dirr: app\n");
        var baseSha = _repo.Commit("base");
        _repo.Checkout("feature", create: true);
        _repo.Write("atlantis.yaml", "version: 3\nprojects:\n  - dir: app\n").Write("app/main.tf", "resource \"terraform_data\" \"b\" {}\n");
        var headSha = _repo.Commit("fix it in the pull request");

        var outcome = await DiscoverAsync(baseSha, headSha);

        Assert.False(outcome.Succeeded);
        Assert.Equal("atlantis.yaml", outcome.ConfigError!.File);
        Assert.Equal(3, outcome.ConfigError.Line);
        Assert.Contains("unknown key 'dirr' in project #1", outcome.ConfigError.Message);
        Assert.Contains("in the base branch's configuration", outcome.ConfigError.Message);
    }
}
