using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class AffectedProjectsTests
{
    private static ProjectDefinition Project(string name, string dir, params string[] whenModified) =>
        new(name, dir, "default", whenModified.Length == 0 ? ProjectDefaults.WhenModified : whenModified, [], true);

    private static string[] Affected(IReadOnlyList<ProjectDefinition> projects, ModuleGraph modules, params string[] changed) =>
        AffectedProjects.Find(projects, modules, changed).Select(p => p.Name).ToArray();

    [Fact]
    public void Change_in_a_transitively_used_module_affects_the_project()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("app/main.tf", "module \"a\" { source = \"../modules/a\" }"),
            ("modules/a/main.tf", "module \"b\" { source = \"../b\" }"),
            ("modules/b/main.tf", "variable \"x\" {}"),
            ("other/main.tf", "module \"c\" { source = \"../modules/c\" }"),
            ("modules/c/main.tf", ""));
        var projects = new[] { Project("app", "app"), Project("other", "other") };

        var modules = ModuleGraph.Build(repo);

        Assert.Equal(["app"], Affected(projects, modules, "modules/b/main.tf"));
        Assert.Equal(["app"], Affected(projects, modules, "modules/b/templates/init.sh"));
        Assert.Equal(["other"], Affected(projects, modules, "modules/c/main.tf"));
        Assert.Empty(Affected(projects, modules, "modules/bb/main.tf", "README.md"));
    }

    [Fact]
    public void When_modified_decides_for_files_in_the_project_dir()
    {
        var projects = new[] { Project("net", "infra/network", "*.tf") };

        Assert.Equal(["net"], Affected(projects, ModuleGraph.Empty, "infra/network/main.tf"));
        Assert.Empty(Affected(projects, ModuleGraph.Empty, "infra/network/nested/main.tf"));
        Assert.Empty(Affected(projects, ModuleGraph.Empty, "infra/network/README.md"));
    }

    [Fact]
    public void Parent_relative_patterns_reach_shared_modules()
    {
        var projects = new[]
        {
            Project("net", "infra/network", "*.tf", "../modules/**/*.tf"),
            Project("dns", "infra/dns", "*.tf"),
        };

        Assert.Equal(["net"], Affected(projects, ModuleGraph.Empty, "infra/modules/vpc/deep/main.tf"));
        Assert.Empty(Affected(projects, ModuleGraph.Empty, "infra/modules/vpc/README.md"));
    }

    [Fact]
    public void Deleted_file_counts_as_changed_even_if_it_is_not_in_the_snapshot()
    {
        var repo = new InMemoryRepositorySnapshot(("app/main.tf", "module \"m\" { source = \"../mod\" }"));
        var projects = new[] { Project("app", "app") };

        Assert.Equal(["app"], Affected(projects, ModuleGraph.Build(repo), "app/removed.tf"));
        Assert.Equal(["app"], Affected(projects, ModuleGraph.Build(repo), "mod/main.tf"));
    }

    [Fact]
    public void Root_project_with_default_patterns_sees_every_terraform_file()
    {
        var projects = new[] { Project("root", ".") };

        Assert.Equal(["root"], Affected(projects, ModuleGraph.Empty, "main.tf"));
        Assert.Equal(["root"], Affected(projects, ModuleGraph.Empty, "envs/prod.tfvars"));
        Assert.Empty(Affected(projects, ModuleGraph.Empty, "docs/index.md"));
    }

    [Fact]
    public void Output_keeps_configuration_order_not_change_order()
    {
        var projects = new[] { Project("z", "z"), Project("a", "a"), Project("m", "m") };

        Assert.Equal(["z", "a", "m"], Affected(projects, ModuleGraph.Empty, "m/main.tf", "a/main.tf", "z/main.tf"));
    }

    [Fact]
    public void Shared_pattern_marks_every_project_using_it()
    {
        var projects = Enumerable.Range(0, 50).Select(i => Project($"p{i}", $"apps/p{i}", "*.tf", "../../shared/**")).ToArray();

        Assert.Equal(50, Affected(projects, ModuleGraph.Empty, "shared/x.json").Length);
    }

    [Fact]
    public void Exclusion_patterns_are_honoured()
    {
        var projects = new[] { Project("app", "app", "**/*.tf", "!generated/*.tf") };

        Assert.Empty(Affected(projects, ModuleGraph.Empty, "app/generated/a.tf"));
        Assert.Equal(["app"], Affected(projects, ModuleGraph.Empty, "app/generated/a.tf", "app/main.tf"));
    }

    [Fact]
    public void Same_dir_different_workspaces_are_both_affected()
    {
        var projects = new[]
        {
            new ProjectDefinition("app", "app", "default", ProjectDefaults.WhenModified, [], true),
            new ProjectDefinition("app-prod", "app", "prod", ProjectDefaults.WhenModified, [], true),
        };

        Assert.Equal(["app", "app-prod"], Affected(projects, ModuleGraph.Empty, "app/main.tf"));
    }

    [Fact]
    public void Unusual_changed_paths_are_normalized()
    {
        var projects = new[] { Project("app", "app") };
        Assert.Equal(["app"], Affected(projects, ModuleGraph.Empty, "./app//main.tf"));
    }

    [Fact]
    public void Index_can_be_reused_across_queries()
    {
        var index = new AffectedProjectsIndex([Project("a", "a"), Project("b", "b")], ModuleGraph.Empty);

        Assert.Equal(["a"], index.Find(["a/x.tf"]).Select(p => p.Name));
        Assert.Equal(["b"], index.Find(["b/x.tf"]).Select(p => p.Name));
    }

    [Fact]
    public void Parsed_config_feeds_change_detection()
    {
        var config = RepoConfigParser.Parse(".terraflow.yml", """
            version: 1
            projects:
              - dir: infra/network
                when_modified: ["*.tf", "../modules/**/*.tf"]
              - dir: .
                when_modified: ["*.tf"]
            """).Config!;

        Assert.Equal(["infra-network"], Affected(config.Projects, ModuleGraph.Empty, "infra/modules/x/main.tf"));
        Assert.Equal(["root"], Affected(config.Projects, ModuleGraph.Empty, "providers.tf"));
    }
    [Fact]
    public void Pattern_shared_by_a_project_with_exclusions_keeps_being_checked()
    {
        // Same resolved pattern for both; only "strict" excludes generated files, so the first file settles "loose"
        // only and the second file must still reach "strict".
        var projects = new[]
        {
            Project("loose", "app", "**/*.tf"),
            new ProjectDefinition("strict", "app", "prod", ["**/*.tf", "!generated/**"], [], true),
        };

        Assert.Equal(["loose"], Affected(projects, ModuleGraph.Empty, "app/generated/a.tf"));
        Assert.Equal(["loose", "strict"], Affected(projects, ModuleGraph.Empty, "app/generated/a.tf", "app/main.tf"));
    }

    [Fact]
    public void Nested_local_module_changes_affect_the_caller_even_outside_its_patterns()
    {
        var repo = new InMemoryRepositorySnapshot(("app/main.tf", "module \"m\" { source = \"./m\" }"), ("app/m/main.tf", ""));
        var projects = new[] { Project("app", "app", "*.tf") };

        // "app/m" is a module of "app", so files there affect it although "*.tf" does not reach into subdirectories.
        Assert.Equal(["app"], Affected(projects, ModuleGraph.Build(repo), "app/m/main.tf"));
        Assert.Empty(Affected(projects, ModuleGraph.Build(repo), "app/other/main.tf"));
    }

    [Fact]
    public void Change_detection_stops_when_its_job_is_cancelled()
    {
        // Discovery is CPU-bound here; a cancelled (timed-out, or stopping) discover job must not keep a core busy.
        var project = new ProjectDefinition("a", "a", "default", ProjectDefaults.WhenModified, [], true);
        Assert.Throws<OperationCanceledException>(() =>
            AffectedProjects.Find([project], ModuleGraph.Empty, ["a/x.tf"], new CancellationToken(canceled: true)));
    }
}
