using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class RepoConfigParserTests
{
    private static RepoConfig ParseOk(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Config;
    }

    [Fact]
    public void Full_project_keeps_every_field()
    {
        var config = ParseOk("""
            version: 1
            autoplan: true
            projects:
              - name: network
                dir: infra/network
                workspace: staging
                when_modified: ["*.tf", "../modules/**/*.tf"]
                depends_on: [dns]
                autoplan: false
              - name: dns
                dir: infra/dns
            """);

        Assert.Equal(1, config.Version);
        Assert.False(config.Autodiscover);
        var network = config.Projects[0];
        Assert.Equal("network", network.Name);
        Assert.Equal("infra/network", network.Dir);
        Assert.Equal("staging", network.Workspace);
        Assert.Equal(["*.tf", "../modules/**/*.tf"], network.WhenModified);
        Assert.Equal(["dns"], network.DependsOn);
        Assert.False(network.Autoplan);
        Assert.Equal("dns", config.Projects[1].Name);
    }

    [Fact]
    public void Defaults_fill_name_workspace_when_modified_and_autoplan()
    {
        var config = ParseOk("""
            version: 1
            projects:
              - dir: infra/network
              - dir: ./infra//network/
                workspace: prod
            """);

        var first = config.Projects[0];
        Assert.Equal("infra-network", first.Name);
        Assert.Equal("default", first.Workspace);
        Assert.Equal(["**/*.tf*", "**/terragrunt.hcl", "**/.terraform.lock.hcl", "**/*.tofu", "**/*.tofu.json"], first.WhenModified);
        Assert.Empty(first.DependsOn);
        Assert.True(first.Autoplan);
        Assert.True(config.Autoplan);

        var second = config.Projects[1];
        Assert.Equal("infra/network", second.Dir);
        Assert.Equal("infra-network-prod", second.Name);
    }

    [Fact]
    public void Top_level_autoplan_is_the_default_and_projects_can_override_it()
    {
        var config = ParseOk("""
            version: 1
            autoplan: false
            projects:
              - dir: a
              - dir: b
                autoplan: true
            """);

        Assert.False(config.Projects[0].Autoplan);
        Assert.True(config.Projects[1].Autoplan);
    }

    [Fact]
    public void Root_dir_is_named_root()
    {
        var config = ParseOk("version: 1\nprojects:\n  - dir: .\n");
        Assert.Equal(".", config.Projects[0].Dir);
        Assert.Equal("root", config.Projects[0].Name);
    }

    [Fact]
    public void Missing_projects_key_means_autodiscover()
    {
        var config = ParseOk("version: 1\nautoplan: false\n");
        Assert.True(config.Autodiscover);
        Assert.False(config.Autoplan);
        Assert.Empty(config.Projects);
    }

    [Fact]
    public void Empty_projects_list_means_no_projects_not_autodiscovery()
    {
        var config = ParseOk("version: 1\nprojects: []\n");
        Assert.False(config.Autodiscover);
        Assert.Empty(config.Projects);
    }

    [Fact]
    public void Same_dir_in_two_workspaces_gets_distinct_default_names()
    {
        var config = ParseOk("""
            version: 1
            projects:
              - dir: app
              - dir: app
                workspace: prod
            """);
        Assert.Equal(["app", "app-prod"], config.Projects.Select(p => p.Name));
    }

    [Fact]
    public void Dependencies_may_point_forward_and_form_a_diamond()
    {
        var config = ParseOk("""
            version: 1
            projects:
              - {name: app, dir: app, depends_on: [network, dns]}
              - {name: network, dir: network, depends_on: [base]}
              - {name: dns, dir: dns, depends_on: [base]}
              - {name: base, dir: base}
            """);
        Assert.Equal(4, config.Projects.Count);
    }

    [Fact]
    public void Comments_and_anchors_are_fine()
    {
        var config = ParseOk("""
            # repository configuration
            version: 1 # the only version
            projects:
              - dir: a
                when_modified: &tf ["*.tf"]
              - dir: b
                when_modified: *tf
            """);
        Assert.Equal(["*.tf"], config.Projects[1].WhenModified);
    }
}
