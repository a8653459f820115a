using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class ProjectDiscoveryTests
{
    private static (string, string) Tf(string path, string text = "resource \"null_resource\" \"x\" {}\n") => (path, text);

    [Fact]
    public void Autodiscovery_excludes_directories_used_as_local_modules()
    {
        var repo = new InMemoryRepositorySnapshot(
            Tf("infra/network/main.tf", "module \"vpc\" {\n  source = \"../../modules/vpc\"\n}\n"),
            Tf("infra/network/vars.tfvars"),
            Tf("infra/dns/main.tf.json", """{"module": {"zone": {"source": "./zone"}}}"""),
            Tf("infra/dns/zone/main.tf"),
            Tf("modules/vpc/main.tf", "module \"subnets\" {\n  source = \"../subnets\"\n}\n"),
            Tf("modules/subnets/main.tf"),
            Tf("modules/unused/main.tf"),
            Tf("README.md", "# docs"),
            Tf(".terraform/modules/vpc/main.tf"),
            Tf(".github/workflows/x.tf"),
            Tf("infra/network/.terraform/modules/copy/main.tf"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.True(result.IsSuccess);
        Assert.True(result.Autodiscovered);
        Assert.Null(result.ConfigFile);
        Assert.Equal(["infra/dns", "infra/network", "modules/unused"], result.Projects.Select(p => p.Dir));
        var network = result.Projects.Single(p => p.Dir == "infra/network");
        Assert.Equal("infra-network", network.Name);
        Assert.Equal("default", network.Workspace);
        Assert.Equal(ProjectDefaults.WhenModified, network.WhenModified);
        Assert.True(network.Autoplan);
        Assert.Equal(["modules/vpc", "modules/subnets"], result.Modules.ModulesUsedBy("infra/network"));
    }

    [Fact]
    public void Root_directory_is_discovered_as_root()
    {
        var result = ProjectDiscovery.Discover(new InMemoryRepositorySnapshot(Tf("main.tf")));
        var project = Assert.Single(result.Projects);
        Assert.Equal(".", project.Dir);
        Assert.Equal("root", project.Name);
    }

    [Fact]
    public void Config_file_wins_over_autodiscovery()
    {
        var repo = new InMemoryRepositorySnapshot(
            (".terraflow.yml", "version: 1\nprojects:\n  - name: only\n    dir: b\n"),
            Tf("a/main.tf"),
            Tf("b/main.tf"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.False(result.Autodiscovered);
        Assert.Equal(".terraflow.yml", result.ConfigFile);
        Assert.Equal(["only"], result.Projects.Select(p => p.Name));
    }

    [Fact]
    public void Yaml_extension_is_accepted_and_errors_name_it()
    {
        var repo = new InMemoryRepositorySnapshot((".terraflow.yaml", "version: 1\nprojects:\n  - name: x\n"), Tf("a/main.tf"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.False(result.IsSuccess);
        Assert.Empty(result.Projects);
        Assert.Equal(new ConfigError(".terraflow.yaml", 3, 5, "project #1 is missing required key 'dir'"), result.Error);
    }

    [Fact]
    public void Both_config_files_is_an_error()
    {
        var repo = new InMemoryRepositorySnapshot((".terraflow.yml", "version: 1\n"), (".terraflow.yaml", "version: 1\n"));
        var result = ProjectDiscovery.Discover(repo);
        Assert.Contains("both .terraflow.yml and .terraflow.yaml exist", result.Error?.Message);
    }

    [Fact]
    public void Config_without_projects_autodiscovers_with_its_autoplan()
    {
        var repo = new InMemoryRepositorySnapshot((".terraflow.yml", "version: 1\nautoplan: false\n"), Tf("a/main.tf"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.True(result.Autodiscovered);
        Assert.Equal(".terraflow.yml", result.ConfigFile);
        var project = Assert.Single(result.Projects);
        Assert.False(project.Autoplan);
    }

    [Fact]
    public void Module_directory_called_only_by_itself_is_still_a_project()
    {
        var repo = new InMemoryRepositorySnapshot(Tf("a/main.tf", "module \"self\" { source = \"./\" }\n"));
        Assert.Equal(["a"], ProjectDiscovery.Discover(repo).Projects.Select(p => p.Dir));
    }

    [Fact]
    public void Module_sources_escaping_the_repository_are_ignored()
    {
        var repo = new InMemoryRepositorySnapshot(Tf("a/main.tf", "module \"x\" { source = \"../../elsewhere\" }\n"));
        Assert.Empty(ModuleGraph.Build(repo).References);
    }
}
