namespace TerraFlow.Adapters.Vcs;

/// <summary>
/// Where each host looks for CODEOWNERS, in its order; the first file found is the only one used. GitHub documents
/// <c>.github/</c>, the root, <c>docs/</c>; GitLab reads the root, <c>docs/</c>, <c>.gitlab/</c>.
/// </summary>
public static class CodeOwnersLocations
{
    private static readonly IReadOnlyList<string> GitHub = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
    private static readonly IReadOnlyList<string> GitLab = ["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

    /// <summary>The locations for <paramref name="provider"/>; an unknown provider gets the root and <c>docs/</c> only.</summary>
    public static IReadOnlyList<string> For(string? provider) => VcsProviderNames.OrDefault(provider).ToLowerInvariant() switch
    {
        VcsProviderNames.GitHub => GitHub,
        VcsProviderNames.GitLab => GitLab,
        _ => ["CODEOWNERS", "docs/CODEOWNERS"],
    };
}
