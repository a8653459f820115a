using TerraFlow.Adapters.Vcs;
using TerraFlow.Adapters.Webhooks;

namespace TerraFlow.Adapters.AzureDevOps;

/// <summary>
/// Azure DevOps' side of the webhook pipeline (<c>/api/webhooks/azuredevops</c>). Without credentials configured the
/// answer is 503 (the operator has not finished; Azure DevOps retries 5xx and disables a subscription only after
/// repeated failures). Credentials are checked before the body is read. Azure DevOps names the event and its id only in
/// the body (<c>eventType</c>, <c>id</c>), so both are read from it once the delivery is authentic; a
/// <c>git.pullrequest.updated</c> subscription's <see cref="AzureDevOpsWebhookParser.NotificationHeader"/> is appended to
/// the event name.
/// </summary>
public sealed class AzureDevOpsWebhookSource(AzureDevOpsWebhookVerifier verifier) : IWebhookSource
{
    public int MaxBodyBytes => WebhookLimits.MaxBodyBytes;

    /// <summary>Only named in refusals: the event name is the body's <c>eventType</c>.</summary>
    public string EventHeader => "eventType (body)";

    public string DeliveryIdHeaderDescription => "id (body)";

    public WebhookRefusal? CheckBeforeBody(WebhookHeaderReader headers)
    {
        if (!verifier.Configured)
            return WebhookRefusal.NotConfigured(
                "Azure DevOps webhooks are not configured on this TerraFlow (set TerraFlow__AzureDevOps__WebhookUsername/WebhookPassword or WebhookHeaderName/WebhookHeaderValue)",
                "Azure DevOps service hook refused: no TerraFlow__AzureDevOps__Webhook* credentials are configured");
        var refusal = verifier.Refusal(headers("Authorization"), verifier.HeaderName is { } name ? headers(name) : "");
        return refusal is null ? null : WebhookRefusal.Unauthorized(refusal);
    }

    public WebhookRefusal? Verify(WebhookHeaderReader headers, ReadOnlySpan<byte> body) => null;

    public string ReadDeliveryId(WebhookHeaderReader headers) => "";

    public string ReadDeliveryId(WebhookHeaderReader headers, ReadOnlySpan<byte> body) => AzureDevOpsWebhookParser.TryReadEnvelope(body).Id;

    public string ReadEventName(WebhookHeaderReader headers, ReadOnlySpan<byte> body)
    {
        var eventType = AzureDevOpsWebhookParser.TryReadEnvelope(body).EventType;
        var notification = headers(AzureDevOpsWebhookParser.NotificationHeader).Trim();
        // Only the known notification types are carried over; anything else is as if the header were absent.
        return eventType.Length > 0 && AzureDevOpsWebhookParser.Notifications.Contains(notification, StringComparer.Ordinal)
            ? eventType + "/" + notification
            : eventType;
    }

    public WebhookParse Parse(string eventName, ReadOnlySpan<byte> body)
    {
        try
        {
            return WebhookParse.Of(AzureDevOpsWebhookParser.Parse(eventName, body));
        }
        catch (AzureDevOpsPayloadException ex)
        {
            return WebhookParse.Unreadable(ex.Message);
        }
    }
}
