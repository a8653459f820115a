namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// GitLab connection settings, bound from the configuration section <see cref="SectionName"/>
/// (environment: <c>TerraFlow__GitLab__ApiUrl</c>, <c>__Token</c>, <c>__WebhookSecret</c>, <c>__ProjectSecrets__0__Project</c>…).
/// </summary>
public sealed class GitLabOptions
{
    public const string SectionName = "TerraFlow:GitLab";

    /// <summary>REST API root: https://gitlab.com/api/v4, or https://HOST/api/v4 for self-managed GitLab.</summary>
    public string ApiUrl { get; set; } = "https://gitlab.com/api/v4";

    /// <summary>A personal, group or project access token with the <c>api</c> scope; sent as PRIVATE-TOKEN.</summary>
    public string? Token { get; set; }

    /// <summary>The webhook's "Secret token"; GitLab sends it verbatim in <c>X-Gitlab-Token</c>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Secrets for single projects, checked before <see cref="WebhookSecret"/> for hooks from that project. A list
    /// (not a dictionary keyed by path) because a project path contains '/', which environment variable names cannot.
    /// </summary>
    public List<GitLabProjectSecret> ProjectSecrets { get; set; } = [];

    /// <summary>A client can talk to GitLab: a token is configured.</summary>
    public bool ClientConfigured => !string.IsNullOrWhiteSpace(Token);

    /// <summary>At least one webhook secret exists, so deliveries can be verified.</summary>
    public bool WebhooksConfigured =>
        !string.IsNullOrEmpty(WebhookSecret) || ProjectSecrets.Any(p => !string.IsNullOrEmpty(p.Secret) && !string.IsNullOrWhiteSpace(p.Project));

    /// <summary>Absolute URL for an API path such as "projects/1/merge_requests/2"; keeps the "/api/v4" base path.</summary>
    internal Uri BuildUri(string relativePath)
    {
        // Uri(base, relative) drops the base's last segment unless it ends with '/'; a leading '/' would drop it all.
        var root = ApiUrl.TrimEnd('/') + "/";
        return new Uri(new Uri(root, UriKind.Absolute), relativePath.TrimStart('/'));
    }
}

/// <summary>One project's own webhook secret: <see cref="Project"/> is its full path, e.g. "group/subgroup/infra".</summary>
public sealed class GitLabProjectSecret
{
    public string Project { get; set; } = "";

    public string Secret { get; set; } = "";
}
