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

    /// <summary>The GitHub App's client id, for approver sign-in (user authorization, OAuth web flow).</summary>
    public string? ClientId { get; set; }

    /// <summary>The GitHub App's client secret, exchanged with the sign-in code at the token endpoint.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Web root that serves <c>/login/oauth/*</c>; by default derived from <see cref="ApiUrl"/> (see
    /// <see cref="OAuth.GitHubWebUrl"/>), so GitHub Enterprise Server needs only its API URL.
    /// </summary>
    public string? WebUrl { get; set; }

    /// <summary>
    /// The longest rate-limit wait one call sits out (GitHub's Retry-After, or the time until x-ratelimit-reset) before
    /// repeating the request; a longer one fails the call as transient at once, and the outbox retries it later.
    /// </summary>
    public int RateLimitMaxWaitSeconds { get; set; } = 10;

    /// <summary>How many rate-limit waits one call may sit out before it gives up (transiently).</summary>
    public int RateLimitRetries { get; set; } = 3;

    public bool SignInConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary><see cref="WebUrl"/> when set, else the web root that belongs to <see cref="ApiUrl"/>; no trailing slash.</summary>
    public string EffectiveWebUrl => string.IsNullOrWhiteSpace(WebUrl) ? OAuth.GitHubWebUrl.FromApiUrl(ApiUrl) : WebUrl.TrimEnd('/');

    public bool AppAuthConfigured =>
        AppId is not null && (!string.IsNullOrWhiteSpace(PrivateKeyPath) || !string.IsNullOrWhiteSpace(PrivateKeyPem));

    /// <summary>
    /// Absolute URL for an API path such as "user"; keeps any base path (GHES /api/v3). Only approver sign-in uses it:
    /// REST calls go through Octokit (<see cref="Api.GitHubApiUrl"/>).
    /// </summary>
    internal Uri BuildUri(string relativePath)
    {
        // Uri(base, relative) would drop "/api/v3" unless the base ends with '/', and a leading '/' on the
        // relative part would drop it too, so normalise both sides here once.
        var root = ApiUrl.TrimEnd('/') + "/";
        return new Uri(new Uri(root, UriKind.Absolute), relativePath.TrimStart('/'));
    }
}
