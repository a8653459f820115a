namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// GitHub connection settings, bound from the configuration section <see cref="SectionName"/>.
/// Either configure App auth (<see cref="AppId"/> + <see cref="PrivateKeyPath"/> or <see cref="PrivateKeyPem"/>)
/// or a plain <see cref="Token"/>; with both, the App is used for repositories that carry an installation id.
/// </summary>
public sealed class GitHubOptions
{
    public const string SectionName = "TerraFlow:GitHub";

    /// <summary>REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.</summary>
    public string ApiUrl { get; set; } = "https://api.github.com";

    /// <summary>Shared secret configured on the webhook; signatures are checked against it.</summary>
    public string? WebhookSecret { get; set; }

    public long? AppId { get; set; }

    /// <summary>Path to the App's PEM private key (PKCS#1 "RSA PRIVATE KEY" as GitHub issues it, or PKCS#8).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The App's PEM private key inline, for hosts that keep secrets in settings rather than files.</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>A personal access token or other static token, used when App auth does not apply.</summary>
    public string? Token { get; set; }

    public bool AppAuthConfigured =>
        AppId is not null && (!string.IsNullOrWhiteSpace(PrivateKeyPath) || !string.IsNullOrWhiteSpace(PrivateKeyPem));

    /// <summary>Absolute URL for an API path such as "repos/o/r/pulls/1"; keeps any base path (GHES /api/v3).</summary>
    internal Uri BuildUri(string relativePath)
    {
        // Uri(base, relative) would drop "/api/v3" unless the base ends with '/', and a leading '/' on the
        // relative part would drop it too, so normalise both sides here once.
        var root = ApiUrl.TrimEnd('/') + "/";
        return new Uri(new Uri(root, UriKind.Absolute), relativePath.TrimStart('/'));
    }
}
