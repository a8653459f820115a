namespace TerraFlow.Testing;

/// <summary>
/// Where things are relative to the checkout: the repository root (the folder holding TerraFlow.sln, found by walking
/// up from the test's output folder) and the shared external fixtures beside it (../shared/fixtures/external).
/// One place for every test project that references TerraFlow.Testing.
/// </summary>
public static class RepoLayout
{
    private static readonly Lazy<string?> FoundRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln"))) return dir.FullName;
        return null;
    });

    /// <summary>The repository root, or null when the tests run outside a checkout.</summary>
    public static string? TryFindRoot() => FoundRoot.Value;

    public static string Root =>
        FoundRoot.Value ?? throw new InvalidOperationException($"TerraFlow.sln not found above {AppContext.BaseDirectory}");

    /// <summary>
    /// The shared external fixtures. Missing fixtures fail loudly: a conformance test that silently passes without its
    /// data proves nothing.
    /// </summary>
    public static string SharedFixtures
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "external"));
            return Directory.Exists(path)
                ? path
                : throw new DirectoryNotFoundException(
                    $"The shared external fixtures are missing: expected them at {path} (beside the checkout, ../shared/fixtures/external).");
        }
    }

    public static string SharedFixture(string relative) =>
        Path.Combine(SharedFixtures, relative.Replace('/', Path.DirectorySeparatorChar));
}
