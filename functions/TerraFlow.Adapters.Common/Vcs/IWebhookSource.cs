using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Vcs;

/// <summary>Reads one request header by name: "" when absent (several values are joined with commas).</summary>
public delegate string WebhookHeaderReader(string name);

/// <summary>
/// One host's side of the webhook pipeline (<c>/api/webhooks/{provider}</c>). The pipeline calls, in order:
/// <see cref="CheckBeforeBody"/> (is a secret configured, is the signature or token header there and well-formed;
/// nothing is buffered for a request that cannot be verified), reads the body up to <see cref="MaxBodyBytes"/>,
/// <see cref="Verify"/> over the raw bytes (constant time), reads <see cref="EventHeader"/> and
/// <see cref="ReadDeliveryId"/>, then <see cref="Parse"/>. A refusal carries the HTTP status and reason the sender sees.
/// </summary>
public interface IWebhookSource
{
    /// <summary>The largest body accepted; larger ones get 413 before or while they are read.</summary>
    int MaxBodyBytes { get; }

    /// <summary>The header naming the event (e.g. <c>X-GitHub-Event</c>); also named in refusals.</summary>
    string EventHeader { get; }

    /// <summary>How refusals name the delivery id header(s), e.g. "X-GitHub-Delivery".</summary>
    string DeliveryIdHeaderDescription { get; }

    /// <summary>Checks that need no body; null to go on.</summary>
    WebhookRefusal? CheckBeforeBody(WebhookHeaderReader headers);

    /// <summary>The signature or token over the raw body, compared in constant time; null when authentic.</summary>
    WebhookRefusal? Verify(WebhookHeaderReader headers, ReadOnlySpan<byte> body);

    /// <summary>The delivery's dedupe key (the same for every retry of one delivery), "" when none is sent.</summary>
    string ReadDeliveryId(WebhookHeaderReader headers);

    /// <summary>
    /// The event name of a verified delivery. By default the <see cref="EventHeader"/> value; a host that names the
    /// event only in the body (Azure DevOps service hooks: <c>eventType</c>) reads it there.
    /// </summary>
    string ReadEventName(WebhookHeaderReader headers, ReadOnlySpan<byte> body) => headers(EventHeader);

    /// <summary>
    /// The dedupe key of a verified delivery. By default <see cref="ReadDeliveryId(WebhookHeaderReader)"/>; a host
    /// whose deliveries carry their id only in the body (Azure DevOps: <c>id</c>) reads it there.
    /// </summary>
    string ReadDeliveryId(WebhookHeaderReader headers, ReadOnlySpan<byte> body) => ReadDeliveryId(headers);

    /// <summary>The verified body as a provider-neutral event, or why it cannot be read (answered 400).</summary>
    WebhookParse Parse(string eventName, ReadOnlySpan<byte> body);
}

/// <summary>An answer that ends the pipeline: HTTP status, the reason the sender sees, and the telemetry outcome.</summary>
/// <param name="OperatorWarning">Logged as a warning when set: a refusal the operator can fix (a missing secret).</param>
public sealed record WebhookRefusal(int StatusCode, string Outcome, string Reason, string? OperatorWarning = null)
{
    public static WebhookRefusal Unauthorized(string reason, string? operatorWarning = null) => new(401, "unauthorized", reason, operatorWarning);

    public static WebhookRefusal BadRequest(string reason) => new(400, "bad-request", reason);

    public static WebhookRefusal TooLarge(int maxBytes) => new(413, "too-large", $"payload larger than {maxBytes} bytes");

    /// <summary>503: the operator has not finished setting the host up; hosts treat 5xx as temporary and retry.</summary>
    public static WebhookRefusal NotConfigured(string reason, string operatorWarning) => new(503, "not-configured", reason, operatorWarning);
}

/// <summary>A parsed delivery, or the reason its body cannot be read.</summary>
public readonly record struct WebhookParse(VcsEvent? Event, string? Error)
{
    public static WebhookParse Of(VcsEvent ev) => new(ev, null);

    public static WebhookParse Unreadable(string error) => new(null, error);
}
