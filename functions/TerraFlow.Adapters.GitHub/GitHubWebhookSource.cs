using TerraFlow.Adapters.Vcs;
using TerraFlow.Adapters.Webhooks;

namespace TerraFlow.Adapters.GitHub;

/// <summary>
/// GitHub's side of the webhook pipeline: a secret must be configured, <c>X-Hub-Signature-256</c> must have the shape
/// of a signature before the body is read and match the raw body after (HMAC-SHA256, constant-time compare), the
/// delivery id is <c>X-GitHub-Delivery</c>, and <see cref="GitHubWebhookParser"/> reads the body.
/// </summary>
public sealed class GitHubWebhookSource(GitHubOptions options, GitHubWebhookVerifier verifier) : IWebhookSource
{
    public const string DeliveryHeader = "X-GitHub-Delivery";

    private const string BadSignature = "missing or invalid " + GitHubWebhookVerifier.SignatureHeader;

    /// <summary>GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub.</summary>
    public int MaxBodyBytes => WebhookLimits.MaxBodyBytes;

    public string EventHeader => GitHubWebhookParser.EventHeader;

    public string DeliveryIdHeaderDescription => DeliveryHeader;

    public WebhookRefusal? CheckBeforeBody(WebhookHeaderReader headers)
    {
        if (string.IsNullOrEmpty(options.WebhookSecret))
            return WebhookRefusal.Unauthorized("webhook secret not configured on this TerraFlow; deliveries cannot be verified",
                "GitHub webhook refused: TerraFlow__GitHub__WebhookSecret is not configured");
        return GitHubWebhookVerifier.IsWellFormed(headers(GitHubWebhookVerifier.SignatureHeader)) ? null : WebhookRefusal.Unauthorized(BadSignature);
    }

    public WebhookRefusal? Verify(WebhookHeaderReader headers, ReadOnlySpan<byte> body) =>
        verifier.Verify(headers(GitHubWebhookVerifier.SignatureHeader), body) ? null : WebhookRefusal.Unauthorized(BadSignature);

    public string ReadDeliveryId(WebhookHeaderReader headers) => headers(DeliveryHeader);

    public WebhookParse Parse(string eventName, ReadOnlySpan<byte> body)
    {
        try
        {
            return WebhookParse.Of(GitHubWebhookParser.Parse(eventName, body));
        }
        catch (WebhookPayloadException ex)
        {
            return WebhookParse.Unreadable(ex.Message);
        }
    }
}
