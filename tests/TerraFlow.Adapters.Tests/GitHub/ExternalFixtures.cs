using TerraFlow.Testing;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>Reads files from the shared external fixtures (located by <see cref="RepoLayout"/>).</summary>
internal static class ExternalFixtures
{
    public static string Root => RepoLayout.SharedFixtures;

    public static string PathOf(string relative) => RepoLayout.SharedFixture(relative);

    public static byte[] Bytes(string relative)
    {
        var path = PathOf(relative);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"External fixture '{relative}' is missing at {path}.", path);
    }
}
