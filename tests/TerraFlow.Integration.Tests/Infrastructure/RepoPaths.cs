using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>The repository root, the shared fixtures (see <see cref="RepoLayout"/>) and the built stand-ins.</summary>
public static class RepoPaths
{
    public static string Root => RepoLayout.Root;

    public static string SharedFixtures => RepoLayout.SharedFixtures;

    /// <summary>The Terraform stand-in's app host, built by the ProjectReference in this test project's csproj.</summary>
    public static string TerraformStandIn => StandIn("TerraFlow.TerraformStandIn", "terraform");

    /// <summary>The same stand-in's <c>tofu</c> app host: it answers as OpenTofu (see StandInIdentity).</summary>
    public static string TofuStandIn => StandIn("TerraFlow.TerraformStandIn", "tofu");

    /// <summary>The conftest stand-in's app host, built the same way.</summary>
    public static string ConftestStandIn => StandIn("TerraFlow.ConftestStandIn", "conftest");

    private static string StandIn(string project, string name)
    {
        // .../tests/TerraFlow.Integration.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(Root, "tests", project, "bin", configuration, "net10.0", name);
        if (!File.Exists(path)) throw new InvalidOperationException($"{name} stand-in not built at {path}");
        return path;
    }
}
