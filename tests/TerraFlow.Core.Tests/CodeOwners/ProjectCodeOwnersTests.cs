using TerraFlow.Core.CodeOwners;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.CodeOwners;

/// <summary>Discovery's view: which owners speak for each affected project of a pull request.</summary>
public class ProjectCodeOwnersTests
{
    /// <summary>A host's search order (the real ones live with the adapters).</summary>
    private static readonly string[] Locations = [".host/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

    private const string Owners = """
        *                 @platform
        /network/         @net-lead @acme/network
        /network/dns.tf   @dns-owner
        /app/             @acme/app
        /modules/vpc/     @acme/vpc-maintainers
        /shared/          @acme/shared
        """;

    // network and app both use modules/vpc; app also reacts to shared tfvars through when_modified.
    private static readonly InMemoryRepositorySnapshot Repo = new(
        (".host/CODEOWNERS", Owners),
        ("network/main.tf", "module \"vpc\" {\n  source = \"../modules/vpc\"\n}\n"),
        ("network/dns.tf", ""),
        ("app/main.tf", "module \"vpc\" {\n  source = \"../modules/vpc\"\n}\n"),
        ("modules/vpc/main.tf", ""),
        ("shared/common.tfvars", ""));

    private static readonly ProjectDefinition Network = Project("network", "network");
    private static readonly ProjectDefinition App = Project("app", "app", "*.tf", "../shared/*.tfvars");

    [Fact]
    public void Owners_of_the_changed_files_in_the_project_directory_in_order_and_distinct()
    {
        var result = Compute(["network/dns.tf", "network/main.tf", "network/variables.tf"], Network);

        Assert.Equal(["@dns-owner", "@net-lead", "@acme/network"], result["network"]);
    }

    [Fact]
    public void A_project_affected_only_through_a_module_takes_the_module_owners()
    {
        var result = Compute(["modules/vpc/main.tf", "network/main.tf"], Network, App);

        Assert.Equal(["@net-lead", "@acme/network"], result["network"]); // its own files changed: those decide
        Assert.Equal(["@acme/vpc-maintainers"], result["app"]);
    }

    [Fact]
    public void A_project_affected_only_through_when_modified_takes_those_files_owners()
    {
        var result = Compute(["shared/common.tfvars"], App);

        Assert.Equal(["@acme/shared"], result["app"]);
    }

    [Fact]
    public void Owners_differing_only_in_case_count_once()
    {
        var file = CodeOwnersFile.Parse("/network/a.tf @Alice\n/network/b.tf @alice @bob\n");
        var result = ProjectCodeOwners.Compute(file, [Network], ModuleGraph.Empty, ["network/a.tf", "network/b.tf"]);

        Assert.Equal(["@Alice", "@bob"], result["network"]);
    }

    [Fact]
    public void Every_affected_project_gets_an_entry_even_when_unowned()
    {
        var file = CodeOwnersFile.Parse("/docs/ @writers\n");
        var result = ProjectCodeOwners.Compute(file, [Network], ModuleGraph.Empty, ["network/main.tf"]);

        Assert.Empty(Assert.Contains("network", result));
    }

    [Fact]
    public void No_codeowners_file_means_an_empty_map()
    {
        Assert.Null(CodeOwnersFile.Load(new InMemoryRepositorySnapshot(("network/main.tf", "")), Locations));
        Assert.Empty(ProjectCodeOwners.Compute(null, [Network], ModuleGraph.Empty, ["network/main.tf"]));
    }

    [Fact]
    public void The_first_of_the_given_locations_present_is_the_one_used()
    {
        var repo = new InMemoryRepositorySnapshot(
            ("CODEOWNERS", "* @root-file"), ("docs/CODEOWNERS", "* @docs-file"), (".host/CODEOWNERS", "* @host-dir"));
        Assert.Equal(["@host-dir"], CodeOwnersFile.Load(repo, Locations)!.OwnersOf("x.tf"));
        Assert.Equal(["@docs-file"], CodeOwnersFile.Load(repo, ["docs/CODEOWNERS", "CODEOWNERS"])!.OwnersOf("x.tf"));

        var withoutHostDir = new InMemoryRepositorySnapshot(("docs/CODEOWNERS", "* @docs-file"), ("CODEOWNERS", "* @root-file"));
        Assert.Equal(["@root-file"], CodeOwnersFile.Load(withoutHostDir, Locations)!.OwnersOf("x.tf"));

        Assert.Equal(["@docs-file"], CodeOwnersFile.Load(new InMemoryRepositorySnapshot(("docs/CODEOWNERS", "* @docs-file")), Locations)!.OwnersOf("x.tf"));
    }

    [Fact]
    public void A_malformed_line_does_not_stop_the_others()
    {
        var file = CodeOwnersFile.Parse("* @platform\n!network/ @nobody\n/network/ @net\n");
        var result = ProjectCodeOwners.Compute(file, [Network], ModuleGraph.Empty, ["network/main.tf"]);

        Assert.Equal(["@net"], result["network"]);
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Compute(string[] changed, params ProjectDefinition[] projects)
    {
        var affected = AffectedProjects.Find(projects, ModuleGraph.Build(Repo), changed);
        Assert.Equal(projects.Select(p => p.Name), affected.Select(p => p.Name)); // the scenario really affects them
        return ProjectCodeOwners.Compute(CodeOwnersFile.Load(Repo, Locations), affected, ModuleGraph.Build(Repo), changed);
    }

    private static ProjectDefinition Project(string name, string dir, params string[] whenModified) =>
        new(name, dir, "default", whenModified.Length > 0 ? whenModified : ProjectDefaults.WhenModified, [], Autoplan: true);
}
