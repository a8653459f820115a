using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class RepoConfigParserErrorTests
{
    private static ConfigError ParseError(string yaml, string file = ".terraflow.yml")
    {
        var result = RepoConfigParser.Parse(file, yaml);
        Assert.False(result.IsSuccess, "expected a configuration error");
        Assert.Null(result.Config);
        Assert.Equal(file, result.Error.File);
        return result.Error;
    }

    [Fact]
    public void Unknown_project_key_is_named_with_allowed_keys_and_a_suggestion()
    {
        var error = ParseError("""
            version: 1
            projects:
              - dir: a
                dirs: b
            """);
        Assert.Equal(4, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Contains("unknown key 'dirs' in project #1", error.Message);
        Assert.Contains("did you mean 'dir'?", error.Message);
        Assert.Contains("allowed keys: name, dir, workspace, when_modified, depends_on, autoplan", error.Message);
    }

    [Fact]
    public void Unknown_top_level_key_is_reported()
    {
        var error = ParseError("version: 1\npre_workflow_hooks: {}\n");
        Assert.Equal(2, error.Line);
        Assert.Contains("unknown key 'pre_workflow_hooks' in the top level; allowed keys: version, autoplan, projects", error.Message);
    }

    [Fact]
    public void Wrong_type_for_autoplan_names_key_and_value()
    {
        var error = ParseError("""
            version: 1
            projects:
              - dir: a
                autoplan: "yes"
            """);
        Assert.Equal(4, error.Line);
        Assert.Equal("'autoplan' must be true or false, found the quoted string 'yes'", error.Message);
    }

    [Fact]
    public void Wrong_type_for_list_and_string_keys()
    {
        var list = ParseError("version: 1\nprojects:\n  - dir: a\n    depends_on: dns\n");
        Assert.Equal(4, list.Line);
        Assert.Equal("'depends_on' must be a list of strings, found 'dns'", list.Message);

        var text = ParseError("version: 1\nprojects:\n  - dir: [a, b]\n");
        Assert.Equal(3, text.Line);
        Assert.Equal("'dir' must be a string, found a list", text.Message);

        var projects = ParseError("version: 1\nprojects:\n  dir: a\n");
        Assert.Equal(3, projects.Line);
        Assert.Equal("'projects' must be a list of projects, found a mapping", projects.Message);
    }

    [Fact]
    public void Missing_dir_points_at_the_project()
    {
        var error = ParseError("""
            version: 1
            projects:
              - dir: a
              - name: b
                workspace: prod
            """);
        Assert.Equal(4, error.Line);
        Assert.Equal("project #2 is missing required key 'dir'", error.Message);
    }

    [Theory]
    [InlineData("../outside", "points outside the repository")]
    [InlineData("a/../../outside", "points outside the repository")]
    [InlineData("/etc/terraform", "is an absolute path")]
    public void Dir_escaping_the_repository_is_rejected(string dir, string problem)
    {
        var error = ParseError($"version: 1\nprojects:\n  - dir: {dir}\n");
        Assert.Equal(3, error.Line);
        Assert.Contains($"project #1: dir '{dir}' {problem}", error.Message);
    }

    [Fact]
    public void Duplicate_explicit_names_point_at_the_second_and_mention_the_first()
    {
        var error = ParseError("""
            version: 1
            projects:
              - name: net
                dir: a
              - name: net
                dir: b
            """);
        Assert.Equal(5, error.Line);
        Assert.Contains("duplicate project name 'net' in project #2; project #1 at line 3 already uses it", error.Message);
    }

    [Fact]
    public void Duplicate_derived_names_explain_where_the_name_came_from()
    {
        var error = ParseError("version: 1\nprojects:\n  - dir: infra/net\n  - dir: infra/net\n");
        Assert.Equal(4, error.Line);
        Assert.Contains("duplicate project name 'infra-net' (derived from dir 'infra/net' and workspace 'default')", error.Message);
    }

    [Fact]
    public void Unknown_depends_on_lists_known_projects()
    {
        var error = ParseError("""
            version: 1
            projects:
              - name: app
                dir: app
                depends_on:
                  - network
                  - dsn
              - name: network
                dir: network
            """);
        Assert.Equal(7, error.Line);
        Assert.Equal("project 'app' depends on unknown project 'dsn'; known projects: app, network", error.Message);
    }

    [Fact]
    public void Dependency_cycle_is_named()
    {
        var error = ParseError("""
            version: 1
            projects:
              - {name: a, dir: a, depends_on: [b]}
              - {name: b, dir: b, depends_on: [c]}
              - {name: c, dir: c, depends_on: [a]}
            """);
        Assert.Equal(5, error.Line);
        Assert.Equal("dependency cycle: a -> b -> c -> a", error.Message);
    }

    [Fact]
    public void Self_dependency_is_a_cycle()
    {
        var error = ParseError("version: 1\nprojects:\n  - {name: a, dir: a, depends_on: [a]}\n");
        Assert.Equal(3, error.Line);
        Assert.Equal("dependency cycle: a -> a", error.Message);
    }

    [Fact]
    public void Yaml_syntax_error_carries_the_parser_position()
    {
        var error = ParseError("version: 1\nprojects:\n  - dir: a\n   name: b\n", "infra/.terraflow.yaml");
        Assert.Equal(4, error.Line);
        Assert.NotNull(error.Column);
        Assert.StartsWith("invalid YAML: ", error.Message);
        Assert.StartsWith("infra/.terraflow.yaml:4:", error.ToString());
    }

    [Fact]
    public void Duplicate_yaml_key_is_a_syntax_error_with_position()
    {
        var error = ParseError("version: 1\nprojects:\n  - dir: a\n    dir: b\n");
        Assert.Equal(4, error.Line);
        Assert.Contains("Duplicate key", error.Message);
    }

    [Fact]
    public void Unsupported_version_says_which_is_supported()
    {
        var error = ParseError("version: 2\nprojects: []\n");
        Assert.Equal(1, error.Line);
        Assert.Equal(10, error.Column);
        Assert.Equal("unsupported version 2; only version 1 is supported", error.Message);
    }

    [Fact]
    public void Missing_version_is_reported()
    {
        var error = ParseError("projects: []\n");
        Assert.Equal(1, error.Line);
        Assert.Equal("missing required key 'version'; add 'version: 1'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("# only a comment\n")]
    public void Empty_file_is_an_error(string yaml)
    {
        var error = ParseError(yaml);
        Assert.Equal(1, error.Line);
        Assert.Equal("the file is empty; it needs at least 'version: 1'", error.Message);
    }

    [Fact]
    public void Top_level_list_is_rejected()
    {
        var error = ParseError("- dir: a\n");
        Assert.Equal("the top level must be a mapping of keys to values, found a list", error.Message);
    }

    [Fact]
    public void When_modified_escaping_the_repository_is_rejected_at_its_line()
    {
        var error = ParseError("""
            version: 1
            projects:
              - dir: infra
                when_modified:
                  - "*.tf"
                  - "../../shared/*.tf"
            """);
        Assert.Equal(6, error.Line);
        Assert.Equal("project #1: when_modified pattern '../../shared/*.tf' points outside the repository", error.Message);
    }

    [Fact]
    public void Name_with_whitespace_is_rejected()
    {
        var error = ParseError("version: 1\nprojects:\n  - {name: my app, dir: a}\n");
        Assert.Equal(3, error.Line);
        Assert.Contains("name 'my app' must not contain whitespace", error.Message);
    }
}
