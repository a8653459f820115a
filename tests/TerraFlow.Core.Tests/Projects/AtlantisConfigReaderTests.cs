using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>An existing <c>atlantis.yaml</c> is read when there is no <c>.terraflow.yml</c>.</summary>
public class AtlantisConfigReaderTests
{
    private const string Sample = """
        version: 3
        automerge: true
        parallel_plan: true
        projects:
          - dir: infra/app
            workspace: staging
          - dir: infra/app
            workspace: production
            terraform_version: v1.11.4
            autoplan:
              when_modified: ["*.tf", "../modules/**/*.tf"]
              enabled: true
            apply_requirements: [approved, mergeable]
          - name: dns
            dir: ./dns/
            depends_on: [infra-app-production]
            autoplan:
              enabled: false
            workflow: custom
          - name: edge
            dir: edge
            terraform_distribution: opentofu
            terraform_version: 1.8.5
          - name: legacy
            dir: legacy
            terraform_version: ">= 1.3, < 2.0"
        workflows:
          custom:
            plan:
              steps: [init, plan]
        """;

    private static RepoConfig ParseOk(string yaml)
    {
        var result = AtlantisConfigReader.Parse("atlantis.yaml", yaml);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Config;
    }

    [Fact]
    public void Projects_keep_what_Atlantis_would_plan()
    {
        var config = ParseOk(Sample);

        Assert.False(config.Autodiscover);
        Assert.Equal(["infra-app-staging", "infra-app-production", "dns", "edge", "legacy"], config.Projects.Select(p => p.Name));
        var staging = config.Projects[0];
        Assert.Equal(("infra/app", "staging"), (staging.Dir, staging.Workspace));
        Assert.Equal(ProjectDefaults.WhenModified, staging.WhenModified);
        Assert.True(staging.Autoplan);
        var production = config.Projects[1];
        Assert.Equal(("infra/app", "production"), (production.Dir, production.Workspace));
        Assert.Equal(["*.tf", "../modules/**/*.tf"], production.WhenModified);
        Assert.Equal((ProjectEngines.Terraform, "1.11.4"), (production.Engine, production.EngineVersion));
        var dns = config.Projects[2];
        Assert.Equal("dns", dns.Dir);
        Assert.False(dns.Autoplan);
        Assert.Equal(["infra-app-production"], dns.DependsOn);
        var edge = config.Projects[3];
        Assert.Equal((ProjectEngines.Tofu, "1.8.5"), (edge.Engine, edge.EngineVersion));
        // A version range cannot select an installed binary: the runner's default is used, and the notice says so.
        Assert.Null(config.Projects[4].EngineVersion);
        // Atlantis rules are not TerraFlow rules: every project gets the defaults (the base branch's .terraflow.yml may set them).
        Assert.All(config.Projects, p => Assert.Same(ApplySettings.Default, p.Apply));
    }

    [Fact]
    public void Keys_TerraFlow_does_not_support_become_one_notice_naming_them_and_their_projects()
    {
        var notice = Assert.Single(ParseOk(Sample).Notices);

        Assert.StartsWith("Projects are read from `atlantis.yaml` (there is no `.terraflow.yml`).", notice);
        Assert.Contains("`automerge`", notice);
        Assert.Contains("`parallel_plan`", notice);
        Assert.Contains("`workflows`", notice);
        Assert.Contains("`apply_requirements` (in `infra-app-production`)", notice);
        Assert.Contains("`workflow` (in `dns`)", notice);
        Assert.Contains("`terraform_version` (in `legacy: >= 1.3, < 2.0`)", notice);
        Assert.DoesNotContain("`depends_on`", notice);
    }

    [Fact]
    public void A_plain_file_gets_only_the_lead_sentence()
    {
        var notice = Assert.Single(ParseOk("version: 3\nprojects:\n  - dir: a\n").Notices);
        Assert.DoesNotContain("ignored", notice);
    }

    [Fact]
    public void Without_projects_the_repository_is_autodiscovered()
    {
        var config = ParseOk("version: 3\nautomerge: false\n");
        Assert.True(config.Autodiscover);
        Assert.Contains("`automerge`", Assert.Single(config.Notices));
    }

    [Theory]
    [InlineData("version: 3\nprojects:\n  - dirr: a\n", 3, "unknown key 'dirr' in project #1 (did you mean 'dir'?)")]
    [InlineData("version: 3\nprojects:\n  - workspace: a\n", 3, "project #1 is missing required key 'dir'")]
    [InlineData("version: 4\nprojects: []\n", 1, "unsupported Atlantis config version 4; versions 2 and 3 are read")]
    [InlineData("projects: []\n", 1, "missing required key 'version'")]
    [InlineData("version: 3\nprojects:\n  - dir: a\n    autoplan:\n      enable: true\n", 5, "unknown key 'enable' in 'autoplan' in project #1 (did you mean 'enabled'?)")]
    [InlineData("version: 3\nprojects:\n  - dir: a\n  - dir: a\n", 4, "duplicate project name 'a'")]
    [InlineData("version: 3\nprojects:\n  - dir: a\n    depends_on: [b]\n", 4, "project 'a' depends on unknown project 'b'")]
    [InlineData("version: 3\nprojects:\n  - dir: ../outside\n", 3, "dir '../outside' points outside the repository")]
    [InlineData("version: 3\nprojects:\n  - dir: a\n    terraform_distribution: pulumi\n", 4, "'terraform_distribution' must be terraform or opentofu")]
    public void Mistakes_are_errors_with_file_line_and_fix(string yaml, int line, string message)
    {
        var result = AtlantisConfigReader.Parse("atlantis.yaml", yaml);
        Assert.False(result.IsSuccess);
        Assert.Equal("atlantis.yaml", result.Error.File);
        Assert.Equal(line, result.Error.Line);
        Assert.Contains(message, result.Error.Message);
    }

    [Fact]
    public void Discovery_reads_atlantis_yaml_when_there_is_no_terraflow_yml()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("atlantis.yaml", "version: 3\nprojects:\n  - dir: app\n    workspace: a\n  - dir: app\n    workspace: b\n"),
            ("app/main.tf", "resource \"terraform_data\" \"x\" {}\n"),
            ("unlisted/main.tf", "resource \"terraform_data\" \"x\" {}\n"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal("atlantis.yaml", result.ConfigFile);
        Assert.False(result.Autodiscovered);
        Assert.Equal(["app-a", "app-b"], result.Projects.Select(p => p.Name));
        Assert.Single(result.Notices);
    }

    [Fact]
    public void Terraflow_yml_wins_over_atlantis_yaml_and_says_so()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("atlantis.yml", "version: 3\nprojects:\n  - dir: app\n    workspace: a\n"),
            (".terraflow.yml", "version: 1\nprojects:\n  - dir: app\n"),
            ("app/main.tf", "resource \"terraform_data\" \"x\" {}\n"));

        var result = ProjectDiscovery.Discover(repo);

        Assert.Equal(".terraflow.yml", result.ConfigFile);
        Assert.Equal(["app"], result.Projects.Select(p => p.Name));
        Assert.Equal("`atlantis.yml` is not read because `.terraflow.yml` exists; TerraFlow uses only `.terraflow.yml`.", Assert.Single(result.Notices));
    }

    [Fact]
    public void Both_atlantis_spellings_are_an_error_like_both_terraflow_spellings()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("atlantis.yaml", "version: 3\n"), ("atlantis.yml", "version: 3\n"), ("app/main.tf", ""));
        var result = ProjectDiscovery.Discover(repo);
        Assert.False(result.IsSuccess);
        Assert.Equal("atlantis.yml: both atlantis.yaml and atlantis.yml exist; keep only one repository configuration file", result.Error!.ToString());
    }

    [Fact]
    public void An_invalid_atlantis_yaml_stops_discovery_like_an_invalid_terraflow_yml()
    {
        var repo = new InMemoryRepositorySnapshot(("atlantis.yaml", "version: 3\nprojects:\n  - dir: [a\n"), ("app/main.tf", ""));
        var result = ProjectDiscovery.Discover(repo);
        Assert.False(result.IsSuccess);
        Assert.Equal("atlantis.yaml", result.Error!.File);
        Assert.StartsWith("invalid YAML", result.Error.Message);
        Assert.Empty(result.Projects);
    }
}
