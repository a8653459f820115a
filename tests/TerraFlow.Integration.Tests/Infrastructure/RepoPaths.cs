namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>Finds the repository root, the shared fixtures and the built Terraform stand-in from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedFixtures
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "external"));
            if (!Directory.Exists(path))
                throw new InvalidOperationException($"The shared external fixtures are missing: expected them at {path} (beside the checkout).");
            return path;
        }
    }

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln"))) return dir.FullName;
        throw new InvalidOperationException("TerraFlow.sln not found above " + AppContext.BaseDirectory);
    }
}
