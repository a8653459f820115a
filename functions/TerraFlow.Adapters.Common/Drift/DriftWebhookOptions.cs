namespace TerraFlow.Adapters.Drift;

/// <summary>The outbound drift webhook, from <c>TerraFlow:Drift</c> (<c>TerraFlow__Drift__WebhookUrl</c>, <c>__WebhookSecret</c>).</summary>
public sealed class DriftWebhookOptions
{
    public const string SectionName = "TerraFlow:Drift";

    /// <summary>Where drift events are POSTed (http or https); none: no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Signs each body (HMAC-SHA256, header <c>X-TerraFlow-Signature-256</c>); without it bodies go unsigned.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How long one delivery may take before it counts as failed (and the outbox retries it).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);
}
