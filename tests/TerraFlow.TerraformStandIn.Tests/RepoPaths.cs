namespace TerraFlow.TerraformStandIn.Tests;

/// <summary>Finds the repository root (the folder with TerraFlow.sln), the built stand-in and shared fixtures.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>
    /// The stand-in built with the same configuration as this test assembly
    /// (…/bin/&lt;Configuration&gt;/net10.0/ → tests/TerraFlow.TerraformStandIn/bin/&lt;Configuration&gt;/net10.0/terraform.dll).
    /// </summary>
    public static string StandInAssembly
    {
        get
        {
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = baseDir.Name;
            var configuration = baseDir.Parent?.Name ?? "Debug";
            var path = Path.Combine(Root.Value, "tests", "TerraFlow.TerraformStandIn", "bin", configuration, framework, "terraform.dll");
            Assert.True(File.Exists(path), $"The Terraform stand-in is not built at {path}; build tests/TerraFlow.TerraformStandIn first.");
            return path;
        }
    }

    /// <summary>A file under shared/fixtures/external/ beside the checkout; fails clearly when it is absent.</summary>
    public static string ExternalFixture(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "fixtures", "external", relativePath));
        Assert.True(File.Exists(path), $"External fixture missing: {path}. The shared/fixtures/external folder must sit beside the repository checkout.");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No directory containing TerraFlow.sln above {AppContext.BaseDirectory}.");
    }
}
