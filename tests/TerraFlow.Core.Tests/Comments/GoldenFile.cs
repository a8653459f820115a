namespace TerraFlow.Core.Tests.Comments;

/// <summary>
/// Compares rendered comments with reviewed Markdown files in Comments/Golden. Set TERRAFLOW_UPDATE_GOLDEN=1 to
/// rewrite them from the current output (then review the diff before committing).
/// </summary>
internal static class GoldenFile
{
    private const string UpdateVariable = "TERRAFLOW_UPDATE_GOLDEN";

    public static void AssertMatches(string name, string actual)
    {
        actual = Normalize(actual);
        var sourceDirectory = SourceGoldenDirectory();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Assert.True(sourceDirectory is not null, "TERRAFLOW_UPDATE_GOLDEN=1 needs the source checkout (TerraFlow.sln) above the test output.");
            Directory.CreateDirectory(sourceDirectory);
            File.WriteAllText(Path.Combine(sourceDirectory, name), actual);
            return;
        }
        // The reviewed files in the checkout are the truth; the copy in the output directory is for test runs
        // without a checkout around them.
        var path = sourceDirectory is not null
            ? Path.Combine(sourceDirectory, name)
            : Path.Combine(AppContext.BaseDirectory, "Comments", "Golden", name);
        Assert.True(File.Exists(path),
            $"Golden file {path} is missing. Run the tests with {UpdateVariable}=1 to create it, then review it.");
        var expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            var line = FirstDifferentLine(expected, actual);
            Assert.Fail($"Comment differs from golden file {name} at line {line.Number}:\n" +
                        $"  expected: {line.Expected}\n  actual:   {line.Actual}\n" +
                        $"If the change is intended, run the tests with {UpdateVariable}=1 and review the diff.");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static (int Number, string Expected, string Actual) FirstDifferentLine(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "(end of file)";
            var al = i < a.Length ? a[i] : "(end of file)";
            if (el != al) return (i + 1, el, al);
        }
        return (0, "", "");
    }

    /// <summary>tests/TerraFlow.Core.Tests/Comments/Golden in the checkout, found by walking up to TerraFlow.sln.</summary>
    private static string? SourceGoldenDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln")))
                return Path.Combine(dir.FullName, "tests", "TerraFlow.Core.Tests", "Comments", "Golden");
        }
        return null;
    }
}
