namespace TerraFlow.Adapters.GitHub.OAuth;

/// <summary>
/// GitHub serves its REST API and its web pages (including <c>/login/oauth/*</c>) from different roots; this maps
/// one to the other so only <c>TerraFlow__GitHub__ApiUrl</c> has to be configured.
/// </summary>
public static class GitHubWebUrl
{
    /// <summary>
    /// https://api.github.com → https://github.com; https://api.TENANT.ghe.com (GHE.com) → https://TENANT.ghe.com;
    /// https://ghes.example/api/v3 → https://ghes.example (GHES); anything else → its scheme, host and port.
    /// </summary>
    public static string FromApiUrl(string apiUrl)
    {
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api))
            throw new ArgumentException($"GitHub API URL '{apiUrl}' is not an absolute URL.", nameof(apiUrl));
        var host = api.Host;
        if (host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase))
            return api.Scheme + "://github.com";
        if (host.StartsWith("api.", StringComparison.OrdinalIgnoreCase) && host.EndsWith(".ghe.com", StringComparison.OrdinalIgnoreCase))
            return api.Scheme + "://" + host["api.".Length..];

        var root = api.GetLeftPart(UriPartial.Authority);
        var path = api.AbsolutePath.TrimEnd('/');
        // GHES serves the API under /api/v3 and the web UI at the root; a GHES behind a path keeps that path.
        if (path.EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase))
            return root + path[..^"/api/v3".Length];
        return root + path;
    }
}
