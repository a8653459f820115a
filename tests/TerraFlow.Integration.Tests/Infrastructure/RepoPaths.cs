using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>The repository root, the shared fixtures (see <see cref="RepoLayout"/>) and the built Terraform stand-in.</summary>
public static class RepoPaths
{
    public static string Root => RepoLayout.Root;

    public static string SharedFixtures => RepoLayout.SharedFixtures;

    /// <summary>The stand-in's app host, built by the ProjectReference in this test project's csproj.</summary>
    public static string TerraformStandIn
    {
        get
        {
            // .../tests/TerraFlow.Integration.Tests/bin/<Configuration>/net10.0/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(Root, "tests", "TerraFlow.TerraformStandIn", "bin", configuration, "net10.0", "terraform");
            if (!File.Exists(path)) throw new InvalidOperationException($"Terraform stand-in not built at {path}");
            return path;
        }
    }
}
