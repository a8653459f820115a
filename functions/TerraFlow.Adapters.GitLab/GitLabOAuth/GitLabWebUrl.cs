namespace TerraFlow.Adapters.GitLabOAuth;

/// <summary>
/// GitLab serves its REST API under <c>/api/v4</c> of the instance's web root (also when the instance itself lives
/// under a relative URL such as <c>https://example.com/gitlab</c>), and OAuth under <c>/oauth</c> of that root.
/// </summary>
public static class GitLabWebUrl
{
    /// <summary>https://gitlab.com/api/v4 → https://gitlab.com; https://host/gitlab/api/v4 → https://host/gitlab.</summary>
    public static string FromApiUrl(string apiUrl)
    {
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"GitLab API URL '{apiUrl}' is not an absolute http(s) URL.", nameof(apiUrl));
        var root = api.GetLeftPart(UriPartial.Authority);
        var path = api.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/v4", StringComparison.OrdinalIgnoreCase)) path = path[..^"/api/v4".Length];
        return root + path;
    }
}
