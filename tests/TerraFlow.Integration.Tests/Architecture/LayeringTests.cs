using System.Reflection;
using System.Text.RegularExpressions;
using TerraFlow.Application.Jobs;
using TerraFlow.Functions;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Architecture;

/// <summary>
/// Where SQL may live (issue 12): the host is endpoints, loops and dependency injection, and the application layer
/// is use cases over ports; only the PostgreSQL adapter knows the database driver. These tests read the compiled
/// assemblies (what they actually use) and the host's source files (one case per file, so a failure names it).
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string HostFolder = Path.Combine(RepoPaths.Root, "functions", "TerraFlow.Functions");

    [Fact]
    public void The_application_layer_and_core_do_not_reference_the_database_driver()
    {
        var application = typeof(IJobResultIntake).Assembly;
        var reached = ReferencedTerraFlowClosure(application);

        Assert.Contains("TerraFlow.Core", reached.Select(a => a.GetName().Name));
        foreach (var assembly in reached)
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => IsDriver(r.Name));
        Assert.DoesNotMatch(DriverName(), File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "TerraFlow.Application", "TerraFlow.Application.csproj")));
    }

    [Fact]
    public void The_host_assembly_uses_no_type_of_the_database_driver()
    {
        var host = typeof(TerraFlowApp).Assembly;

        Assert.DoesNotContain(host.GetReferencedAssemblies(), r => IsDriver(r.Name));
    }

    public static TheoryData<string> HostSourceFiles()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(HostFolder, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            files.Add(Path.GetRelativePath(HostFolder, file).Replace('\\', '/'));
        return files;
    }

    [Theory]
    [MemberData(nameof(HostSourceFiles))]
    public void No_host_source_file_names_the_database_driver(string file)
    {
        var source = File.ReadAllText(Path.Combine(HostFolder, file));

        Assert.DoesNotMatch(DriverName(), source);
    }

    [Fact]
    public void The_host_source_files_are_found()
    {
        // Guards the theory above against passing vacuously when the folder moves.
        Assert.Contains("Hosting/TerraFlowApp.cs", HostSourceFiles().Select((object[] row) => (string)row[0]));
    }

    private static bool IsDriver(string? assemblyName) =>
        assemblyName is not null && assemblyName.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\bNpgsql")]
    private static partial Regex DriverName();

    /// <summary>The assembly and every TerraFlow assembly it references, directly or through another.</summary>
    private static List<Assembly> ReferencedTerraFlowClosure(Assembly root)
    {
        var seen = new List<Assembly> { root };
        for (var i = 0; i < seen.Count; i++)
        {
            foreach (var name in seen[i].GetReferencedAssemblies().Where(r => r.Name?.StartsWith("TerraFlow.", StringComparison.Ordinal) == true))
            {
                if (seen.Any(a => a.GetName().Name == name.Name)) continue;
                seen.Add(Assembly.Load(name));
            }
        }
        return seen;
    }
}
