using System.Text.RegularExpressions;
using TerraFlow.Testing;

namespace TerraFlow.Adapters.Tests.Vcs;

/// <summary>
/// Core is the shared model every provider plugs into: a provider name in it (code or comment) is a sign that one
/// host's behaviour leaked into the shared rules. Provider knowledge belongs in the adapters.
/// </summary>
public class CoreNamesNoProviderTests
{
    [Fact]
    public void No_source_file_in_core_names_a_vcs_provider()
    {
        var core = Path.Combine(RepoLayout.Root, "functions", "TerraFlow.Core");
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.True(files.Count > 50, $"expected Core's sources under {core}, found {files.Count}");

        var hits = files.SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(core, f), Line: i + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, "github|gitlab", RegexOptions.IgnoreCase))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, "Core names a provider:\n" + string.Join('\n', hits));
    }
}
