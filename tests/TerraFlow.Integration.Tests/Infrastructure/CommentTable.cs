namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>Reads the summary table of a TerraFlow plan comment the way a person reads it: by column headers.</summary>
public static class CommentTable
{
    public static IReadOnlyDictionary<string, string> Row(string comment, string project)
    {
        var lines = comment.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|')).ToList();
        var header = Cells(lines.First(l => l.Contains("Project", StringComparison.Ordinal)));
        var row = lines.Select(Cells).FirstOrDefault(c => c.Count > 0 && c[0].Contains(project, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no table row for {project} in:\n{comment}");
        return header.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    private static List<string> Cells(string line) =>
        line.Trim('|').Split('|').Select(c => c.Trim().Trim('`', '*')).ToList();
}
