using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>
/// The default <c>when_modified</c> is Atlantis's set, so a team moving over gets plans for the same pushes; and
/// OpenTofu's files count as Terraform code in discovery.
/// </summary>
public class DefaultTriggersTests
{
    private static readonly ProjectDefinition App = new("app", "infra/app", "default", ProjectDefaults.WhenModified, [], true);

    private static bool Triggers(string changedFile) =>
        AffectedProjects.Find([App], ModuleGraph.Empty, [changedFile]).Count == 1;

    [Theory]
    [InlineData("infra/app/main.tf")]
    [InlineData("infra/app/prod.tfvars")]
    [InlineData("infra/app/vars.tfvars.json")]
    [InlineData("infra/app/main.tf.json")]
    [InlineData("infra/app/.terraform.lock.hcl")]
    [InlineData("infra/app/terragrunt.hcl")]
    [InlineData("infra/app/network.tofu")]
    [InlineData("infra/app/network.tofu.json")]
    [InlineData("infra/app/nested/deeper/x.tf")]
    [InlineData("infra/app/env/terragrunt.hcl")]
    public void Atlantis_default_files_below_the_project_dir_trigger_it(string changed) =>
        Assert.True(Triggers(changed), $"{changed} should trigger a plan of infra/app");

    [Theory]
    [InlineData("infra/app/README.md")]
    [InlineData("infra/app/scripts/deploy.sh")]
    [InlineData("infra/other/main.tf")]
    [InlineData("infra/app.tf")]
    [InlineData(".terraform.lock.hcl")]
    public void Other_files_and_other_dirs_do_not(string changed) =>
        Assert.False(Triggers(changed), $"{changed} should not trigger a plan of infra/app");

    [Fact]
    public void A_local_module_change_still_triggers_its_caller()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("infra/app/main.tf", "module \"m\" {\n  source = \"../../modules/m\"\n}\n"),
            ("modules/m/README.md", "# docs"),
            ("modules/m/main.tf", "variable \"x\" {}\n"));
        var discovery = ProjectDiscovery.Discover(repo);
        Assert.Equal(["app"], AffectedProjects.Find([App], discovery.Modules, ["modules/m/README.md"]).Select(p => p.Name));
    }

    [Fact]
    public void Tofu_only_directories_are_discovered_as_tofu_projects_and_their_module_calls_count()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("tofu-net/main.tofu", "module \"m\" {\n  source = \"../modules/m\"\n}\n"),
            ("tofu-json/main.tofu.json", """{"resource": {"terraform_data": {"x": {}}}}"""),
            ("mixed/main.tf", "resource \"terraform_data\" \"x\" {}\n"),
            ("mixed/override.tofu", "resource \"terraform_data\" \"x\" {}\n"),
            ("modules/m/main.tofu", "variable \"x\" {}\n"),
            ("plain/main.tf", "resource \"terraform_data\" \"x\" {}\n"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        // modules/m is called from a .tofu file, so it is a module, not a project.
        Assert.Equal(["mixed", "plain", "tofu-json", "tofu-net"], result.Projects.Select(p => p.Dir));
        Assert.Equal(ProjectEngines.Tofu, result.Projects.Single(p => p.Dir == "tofu-net").Engine);
        Assert.Equal(ProjectEngines.Tofu, result.Projects.Single(p => p.Dir == "tofu-json").Engine);
        // Directories with Terraform files keep the runner's default engine.
        Assert.Null(result.Projects.Single(p => p.Dir == "mixed").Engine);
        Assert.Null(result.Projects.Single(p => p.Dir == "plain").Engine);
        Assert.Equal(["tofu-net"], AffectedProjects.Find(result.Projects, result.Modules, ["modules/m/main.tofu"]).Select(p => p.Name));
    }

    [Fact]
    public void An_explicit_engine_is_never_overridden_by_inference()
    {
        var repo = new InMemoryRepositorySnapshot(
            (".terraflow.yml", "version: 1\nprojects:\n  - dir: net\n    engine: terraform\n"),
            ("net/main.tofu", "resource \"terraform_data\" \"x\" {}\n"));
        var project = Assert.Single(ProjectDiscovery.Discover(repo).Projects);
        Assert.Equal(ProjectEngines.Terraform, project.Engine);
    }
}
