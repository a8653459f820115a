namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>
/// Locates /shared/fixtures/external beside the checkout (the folder holding TerraFlow.sln). Missing fixtures
/// fail the test loudly: a conformance test that silently passes without its data proves nothing.
/// </summary>
internal static class ExternalFixtures
{
    private static readonly Lazy<string> RootPath = new(Find);

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Bytes(string relative)
    {
        var path = PathOf(relative);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"External fixture '{relative}' is missing at {path}.", path);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln"))) continue;
            var fixtures = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "external"));
            return Directory.Exists(fixtures)
                ? fixtures
                : throw new DirectoryNotFoundException(
                    $"External fixtures not found at {fixtures}. They must sit beside the checkout (../shared/fixtures/external); "
                    + "these conformance tests cannot run without them.");
        }
        throw new DirectoryNotFoundException($"No TerraFlow.sln found above {AppContext.BaseDirectory}; cannot locate external fixtures.");
    }
}
