using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>The input fingerprint changes exactly when something a plan of the project reads changes.</summary>
public class ProjectFingerprintTests
{
    private static readonly ProjectDefinition App = new("app", "envs/app", "default", ["**/*.tf"], [], true);

    private static readonly InMemoryRepositorySnapshot Repo = new(new Dictionary<string, string>
    {
        ["envs/app/main.tf"] = "module \"net\" {\n  source = \"../../modules/net\"\n}\n",
        ["modules/net/main.tf"] = "",
        ["envs/other/main.tf"] = "",
    });

    private static readonly List<TrackedBlob> Files =
    [
        new("envs/app/main.tf", "100644", "aaa"),
        new("envs/app/.terraform.lock.hcl", "100644", "lock1"),
        new("modules/net/main.tf", "100644", "net1"),
        new("envs/other/main.tf", "100644", "other1"),
        new(".terraflow.yml", "100644", "cfg1"),
    ];

    private static string? Fingerprint(IReadOnlyList<TrackedBlob> files, ProjectDefinition? project = null, string environment = "default-engine=terraform") =>
        ProjectFingerprint.Compute(project ?? App, ProjectDiscovery.Discover(Repo).Modules, files, RepositoryConfigFiles.AllNames, environment);

    private static List<TrackedBlob> With(string path, string blob, string mode = "100644") =>
        Files.Where(f => f.Path != path).Append(new TrackedBlob(path, mode, blob)).ToList();

    [Fact]
    public void Is_stable_and_ignores_files_of_other_projects_and_their_order()
    {
        var reordered = Enumerable.Reverse(Files).ToList();
        Assert.NotNull(Fingerprint(Files));
        Assert.Equal(Fingerprint(Files), Fingerprint(reordered));
        Assert.Equal(Fingerprint(Files), Fingerprint(With("envs/other/main.tf", "other2")));
    }

    [Theory]
    [InlineData("envs/app/main.tf")]
    [InlineData("envs/app/.terraform.lock.hcl")]
    [InlineData("envs/app/prod.tfvars")]
    [InlineData("modules/net/main.tf")]
    [InlineData(".terraflow.yml")]
    public void Changes_when_an_input_file_changes_or_appears(string path)
    {
        Assert.NotEqual(Fingerprint(Files), Fingerprint(With(path, "changed")));
    }

    [Fact]
    public void Changes_with_the_definition_and_the_runner_environment()
    {
        Assert.NotEqual(Fingerprint(Files), Fingerprint(Files, App with { EngineVersion = "1.9.0" }));
        Assert.NotEqual(Fingerprint(Files), Fingerprint(Files, App with { Engine = "tofu" }));
        Assert.NotEqual(Fingerprint(Files), Fingerprint(Files, environment: "default-engine=tofu"));
    }

    [Fact]
    public void A_symlink_among_the_inputs_means_no_fingerprint()
    {
        Assert.Null(Fingerprint(With("envs/app/shared.tf", "link", mode: "120000")));
    }
}
