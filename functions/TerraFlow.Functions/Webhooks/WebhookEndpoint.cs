using System.Diagnostics;
using TerraFlow.Adapters.Telemetry;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Intake;

namespace TerraFlow.Functions.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/{provider}</c>: one pipeline for every registered VCS host (<c>/api/webhooks/github</c>,
/// <c>/api/webhooks/gitlab</c>, …); the host's <see cref="IWebhookSource"/> supplies what differs. Order matters: the
/// checks that need no body (a secret is configured, the signature or token header is there), then the declared
/// length against the cap, then the body is read (growing as bytes arrive, see <see cref="WebhookBody"/>), then the
/// signature or token over the raw bytes, then the event and delivery id headers, then parsing with validation of
/// every field read. Bad input gets a 4xx with a reason and touches nothing; only a verified, well-formed, plausible
/// delivery reaches <see cref="WebhookIntake"/>, which stores it before the 2xx. An unknown provider is a 404 that
/// names the registered hosts.
/// </summary>
internal static class WebhookEndpoint
{
    public const string Route = "/api/webhooks/{provider}";

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, HandleAsync);
        return app;
    }

    /// <summary>The pipeline; the standalone route and the isolated worker's webhook functions both call it.</summary>
    internal static async Task<IResult> HandleAsync(string provider, HttpContext http, VcsHosts hosts, WebhookIntake intake, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var host = hosts.Find(provider);
        var outcome = "error";
        try
        {
            if (host is null)
            {
                outcome = "unknown-provider";
                return Problem(StatusCodes.Status404NotFound, UnknownHost(provider, hosts));
            }
            http.Items[RequestTelemetryTags.RouteItem] = "/api/webhooks/" + host.Provider;
            var (result, answer) = await AnswerAsync(http, host, intake, logger, ct);
            outcome = answer;
            return result;
        }
        finally
        {
            // Recorded for every answer, refusals included: a burst of 401s is exactly what an operator must see.
            var providerTag = new KeyValuePair<string, object?>("provider", host?.Provider ?? "unknown");
            TerraFlowTelemetry.WebhooksReceived.Add(1, new KeyValuePair<string, object?>("outcome", outcome), providerTag);
            TerraFlowTelemetry.WebhookAckDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static async Task<(IResult Result, string Outcome)> AnswerAsync(HttpContext http, VcsHostModule host, WebhookIntake intake, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var source = host.Webhooks;
        var request = http.Request;
        string Header(string name) => request.Headers[name].ToString();

        if (source.CheckBeforeBody(Header) is { } early) return Refuse(early, logger);
        if (WebhookBody.DeclaredTooLarge(http, source.MaxBodyBytes)) return Refuse(WebhookRefusal.TooLarge(source.MaxBodyBytes), logger);

        var read = await WebhookBody.ReadAsync(http, ct, source.MaxBodyBytes);
        if (read.Outcome == WebhookBody.Outcome.TooLarge) return Refuse(WebhookRefusal.TooLarge(source.MaxBodyBytes), logger);
        if (read.Outcome == WebhookBody.Outcome.Incomplete) return Refuse(WebhookRefusal.BadRequest("the request body ended before its declared length"), logger);
        var body = read.Body;

        if (source.Verify(Header, body.Span) is { } forged) return Refuse(forged, logger);

        var eventName = source.ReadEventName(Header, body.Span);
        if (eventName.Length == 0) return Refuse(WebhookRefusal.BadRequest($"missing {source.EventHeader} header"), logger);
        if (!WebhookHeaders.IsPlausible(eventName, WebhookHeaders.MaxEventChars))
            return Refuse(WebhookRefusal.BadRequest($"invalid {source.EventHeader} header (printable ASCII, at most {WebhookHeaders.MaxEventChars} characters)"), logger);
        var deliveryId = source.ReadDeliveryId(Header, body.Span);
        if (!WebhookHeaders.IsPlausible(deliveryId, WebhookHeaders.MaxDeliveryIdChars))
            return Refuse(WebhookRefusal.BadRequest($"missing or invalid {source.DeliveryIdHeaderDescription} header"), logger);

        var parsed = source.Parse(eventName, body.Span);
        if (parsed.Event is not { } ev) return Refuse(WebhookRefusal.BadRequest(parsed.Error ?? "the payload cannot be read"), logger);

        // The request's trace id becomes the run's operation id, so the runner's telemetry joins this request's
        // operation in Application Insights; the delivery id stays in the audit trail.
        var operationId = TerraFlowTelemetry.CurrentOperationId() ?? deliveryId;
        Activity.Current?.SetTag("terraflow.delivery_id", deliveryId);
        var result = await intake.AcceptAsync(host.Provider, deliveryId, eventName, ev, ct, operationId);
        if (result.RunId is not null) TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", "push"));
        logger.LogInformation("{Host} delivery {DeliveryId} ({Event}): {Status} — {Reason}", host.DisplayName, deliveryId, eventName, result.Status, result.Reason);
        var payload = new { status = result.Status.ToString().ToLowerInvariant(), reason = result.Reason, runId = result.RunId };
        var outcome = result.Status.ToString().ToLowerInvariant();
        return result.Status == IntakeStatus.Accepted ? (Results.Json(payload, statusCode: StatusCodes.Status202Accepted), outcome) : (Results.Json(payload), outcome);
    }

    private static (IResult, string) Refuse(WebhookRefusal refusal, ILogger logger)
    {
        if (refusal.OperatorWarning is { } warning) logger.LogWarning("{Warning}", warning);
        return (Problem(refusal.StatusCode, refusal.Reason), refusal.Outcome);
    }

    /// <summary>The route segment is the sender's text: named back only when it looks like a provider name.</summary>
    private static string UnknownHost(string provider, VcsHosts hosts)
    {
        var shown = provider.Length is > 0 and <= 40 && provider.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? $"'{provider}' " : "";
        return $"no VCS host {shown}is registered on this TerraFlow (registered: {string.Join(", ", hosts.Names.Order(StringComparer.Ordinal))})";
    }

    internal static IResult Problem(int status, string reason) =>
        Results.Json(new { status = "rejected", reason }, statusCode: status);
}
