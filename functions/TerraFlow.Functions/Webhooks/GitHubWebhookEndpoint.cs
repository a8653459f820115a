using System.Diagnostics;
using TerraFlow.Adapters.GitHub;
using TerraFlow.Adapters.Telemetry;

namespace TerraFlow.Functions.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/github</c>. Order matters: the checks that need no body (a secret is configured, a signature
/// header of the right shape is present, the declared length is within the cap), then the body is read (growing as
/// bytes arrive, see <see cref="WebhookBody"/>), then the signature over the raw bytes, then headers and parsing with
/// validation of every field read; bad input gets a 4xx with a reason and touches nothing. Only a verified,
/// well-formed, plausible delivery reaches the database.
/// </summary>
internal static class GitHubWebhookEndpoint
{
    public const string Provider = "github";

    /// <summary>GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub.</summary>
    public const int MaxBodyBytes = WebhookBody.MaxBytes;

    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/github", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, WebhookIntake intake, GitHubOptions options, GitHubWebhookVerifier verifier, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var (result, answer) = await AnswerAsync(http, intake, options, verifier, logger, ct);
            outcome = answer;
            return result;
        }
        finally
        {
            // Recorded for every answer, refusals included: a burst of 401s is exactly what an operator must see.
            TerraFlowTelemetry.WebhooksReceived.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            TerraFlowTelemetry.WebhookAckDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static async Task<(IResult Result, string Outcome)> AnswerAsync(HttpContext http, WebhookIntake intake, GitHubOptions options, GitHubWebhookVerifier verifier, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var request = http.Request;
        if (string.IsNullOrEmpty(options.WebhookSecret))
        {
            logger.LogWarning("GitHub webhook refused: TerraFlow__GitHub__WebhookSecret is not configured");
            return (Problem(StatusCodes.Status401Unauthorized, "webhook secret not configured on this TerraFlow; deliveries cannot be verified"), "unauthorized");
        }
        var signature = request.Headers[GitHubWebhookVerifier.SignatureHeader].ToString();
        if (!GitHubWebhookVerifier.IsWellFormed(signature))
            return (Problem(StatusCodes.Status401Unauthorized, "missing or invalid X-Hub-Signature-256"), "unauthorized");
        if (WebhookBody.DeclaredTooLarge(http, MaxBodyBytes))
            return (Problem(StatusCodes.Status413PayloadTooLarge, $"payload larger than {MaxBodyBytes} bytes"), "too-large");

        var read = await WebhookBody.ReadAsync(http, ct, MaxBodyBytes);
        if (read.Outcome == WebhookBody.Outcome.TooLarge) return (Problem(StatusCodes.Status413PayloadTooLarge, $"payload larger than {MaxBodyBytes} bytes"), "too-large");
        if (read.Outcome == WebhookBody.Outcome.Incomplete) return (Problem(StatusCodes.Status400BadRequest, "the request body ended before its declared length"), "bad-request");
        var body = read.Body;

        if (!verifier.Verify(signature, body.Span))
            return (Problem(StatusCodes.Status401Unauthorized, "missing or invalid X-Hub-Signature-256"), "unauthorized");

        var eventName = request.Headers["X-GitHub-Event"].ToString();
        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        if (eventName.Length == 0) return (Problem(StatusCodes.Status400BadRequest, "missing X-GitHub-Event header"), "bad-request");
        if (!WebhookHeaders.IsPlausible(eventName, WebhookHeaders.MaxEventChars))
            return (Problem(StatusCodes.Status400BadRequest, $"invalid X-GitHub-Event header (printable ASCII, at most {WebhookHeaders.MaxEventChars} characters)"), "bad-request");
        if (!WebhookHeaders.IsPlausible(deliveryId, WebhookHeaders.MaxDeliveryIdChars))
            return (Problem(StatusCodes.Status400BadRequest, "missing or invalid X-GitHub-Delivery header"), "bad-request");

        Core.Vcs.VcsEvent ev;
        try
        {
            ev = GitHubWebhookParser.Parse(eventName, body.Span);
        }
        catch (WebhookPayloadException ex)
        {
            return (Problem(StatusCodes.Status400BadRequest, ex.Message), "bad-request");
        }

        // The request's trace id becomes the run's operation id, so the runner's telemetry joins this request's
        // operation in Application Insights; the delivery id stays in the audit trail.
        var operationId = TerraFlowTelemetry.CurrentOperationId() ?? deliveryId;
        Activity.Current?.SetTag("terraflow.delivery_id", deliveryId);
        var result = await intake.AcceptAsync(Provider, deliveryId, eventName, ev, ct, operationId);
        if (result.RunId is not null) TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", "push"));
        logger.LogInformation("GitHub delivery {DeliveryId} ({Event}): {Status} — {Reason}", deliveryId, eventName, result.Status, result.Reason);
        var payload = new { status = result.Status.ToString().ToLowerInvariant(), reason = result.Reason, runId = result.RunId };
        var outcome = result.Status.ToString().ToLowerInvariant();
        return result.Status == IntakeStatus.Accepted ? (Results.Json(payload, statusCode: StatusCodes.Status202Accepted), outcome) : (Results.Json(payload), outcome);
    }

    internal static IResult Problem(int status, string reason) =>
        Results.Json(new { status = "rejected", reason }, statusCode: status);
}
