namespace TerraFlow.Adapters.Webhooks;

/// <summary>Limits every host's webhook source shares.</summary>
public static class WebhookLimits
{
    /// <summary>GitHub and GitLab both cap webhook payloads at 25 MB; anything larger is not from them.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;
}
