using TerraFlow.Adapters.Vcs;
using TerraFlow.Adapters.Webhooks;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// GitLab's side of the webhook pipeline. Without any configured secret the answer is 503: the operator has not
/// finished setting GitLab up, and GitLab treats 5xx as temporary (4xx answers can make it disable the hook for good).
/// The <c>X-Gitlab-Token</c> is compared in constant time; without per-project secrets before the body is read (a
/// wrong token costs no buffering), with them after, because the project's path in the (not yet trusted) body selects
/// the secret. The dedupe key is the first of <see cref="DeliveryIdHeaders"/> that is sent.
/// </summary>
public sealed class GitLabWebhookSource(GitLabWebhookVerifier verifier) : IWebhookSource
{
    /// <summary>The dedupe key, in order of preference: the same for every retry of one delivery.</summary>
    public static readonly string[] DeliveryIdHeaders = ["Idempotency-Key", "X-Gitlab-Webhook-UUID", "X-Gitlab-Event-UUID"];

    private const string BadToken = "missing or invalid " + GitLabWebhookVerifier.TokenHeader;

    /// <summary>GitLab's default maximum webhook payload is 25 MB, like GitHub's.</summary>
    public int MaxBodyBytes => WebhookLimits.MaxBodyBytes;

    public string EventHeader => GitLabWebhookParser.EventHeader;

    public string DeliveryIdHeaderDescription => "Idempotency-Key (or X-Gitlab-Webhook-UUID / X-Gitlab-Event-UUID)";

    public WebhookRefusal? CheckBeforeBody(WebhookHeaderReader headers)
    {
        if (!verifier.Configured)
            return WebhookRefusal.NotConfigured("GitLab webhooks are not configured on this TerraFlow (set TerraFlow__GitLab__WebhookSecret)",
                "GitLab webhook refused: neither TerraFlow__GitLab__WebhookSecret nor TerraFlow__GitLab__ProjectSecrets is configured");
        var token = headers(GitLabWebhookVerifier.TokenHeader);
        if (token.Length == 0 || (!verifier.HasProjectSecrets && !verifier.Verify(token, null)))
            return WebhookRefusal.Unauthorized(BadToken);
        return null;
    }

    public WebhookRefusal? Verify(WebhookHeaderReader headers, ReadOnlySpan<byte> body)
    {
        // Without per-project secrets the token was already checked before the body was read.
        if (!verifier.HasProjectSecrets) return null;
        // The project's path only selects the secret; the body is trusted only once the token matches it.
        return verifier.Verify(headers(GitLabWebhookVerifier.TokenHeader), GitLabWebhookParser.TryReadProjectPath(body)) ? null : WebhookRefusal.Unauthorized(BadToken);
    }

    public string ReadDeliveryId(WebhookHeaderReader headers) =>
        DeliveryIdHeaders.Select(h => headers(h).Trim()).FirstOrDefault(v => v.Length > 0) ?? "";

    public WebhookParse Parse(string eventName, ReadOnlySpan<byte> body)
    {
        try
        {
            return WebhookParse.Of(GitLabWebhookParser.Parse(eventName, body));
        }
        catch (GitLabPayloadException ex)
        {
            return WebhookParse.Unreadable(ex.Message);
        }
    }
}
