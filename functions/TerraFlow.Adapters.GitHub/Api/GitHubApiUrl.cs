namespace TerraFlow.Adapters.GitHub.Api;

/// <summary>Turns the configured <see cref="GitHubOptions.ApiUrl"/> into the base address Octokit's connection is given.</summary>
public static class GitHubApiUrl
{
    /// <summary>The REST API version every request pins (X-GitHub-Api-Version), so GitHub never changes shapes under us.</summary>
    public const string ApiVersion = "2022-11-28";

    private static readonly Uri GitHubDotCom = new("https://api.github.com/");

    /// <summary>
    /// https://api.github.com (or https://github.com) → https://api.github.com/; anything else keeps its path and gains
    /// a trailing '/', e.g. https://ghes.example/api/v3 → https://ghes.example/api/v3/.
    /// </summary>
    /// <remarks>
    /// Octokit's own <c>GitHubClient(product, uri)</c> replaces any path of a non-github.com host with <c>/api/v3/</c>;
    /// that is right for a plain GHES host, but wrong for a GHES behind a path prefix and for a local stand-in at
    /// http://127.0.0.1:PORT. So the connection is built from this address instead, which is used as it is: Octokit's
    /// endpoint paths are relative and hang off it, and the trailing '/' keeps "/api/v3" when they are resolved.
    /// </remarks>
    public static Uri BaseAddress(string apiUrl)
    {
        if (!Uri.TryCreate(apiUrl?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"GitHub API URL '{apiUrl}' is not an absolute http(s) URL.", nameof(apiUrl));
        if (uri.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase) || uri.Host.Equals("github.com", StringComparison.OrdinalIgnoreCase))
            return GitHubDotCom;
        var root = uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
        return new Uri(root, UriKind.Absolute);
    }
}
