namespace TerraFlow.Adapters.GitHub;

/// <summary>The webhook body is not a payload we can read (bad JSON, missing field). Hosts answer 400.</summary>
public sealed class WebhookPayloadException : Exception
{
    public WebhookPayloadException(string message) : base(message) { }

    public WebhookPayloadException(string message, Exception inner) : base(message, inner) { }
}
