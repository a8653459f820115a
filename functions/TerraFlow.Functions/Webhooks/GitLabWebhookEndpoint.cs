using System.Diagnostics;
using TerraFlow.Adapters.GitLab;
using TerraFlow.Adapters.Telemetry;

namespace TerraFlow.Functions.Webhooks;

/// <summary>
/// <c>POST /api/webhooks/gitlab</c>, with the GitHub endpoint's rules: the checks that need no body first (a secret is
/// configured, the token header is present and, without per-project secrets, correct; the declared length is within
/// the cap), then the body is read as it arrives, then the token for a per-project secret, then parsing; bad input
/// gets a 4xx with a reason and touches nothing; only a verified, well-formed delivery reaches the database, and it is
/// stored before the 2xx. Without any configured secret the answer is 503: the operator has not finished setting
/// GitLab up, and GitLab treats 5xx as temporary (4xx answers can make it disable the hook for good).
/// </summary>
internal static class GitLabWebhookEndpoint
{
    public const string Provider = "gitlab";
    public const string Route = "/api/webhooks/gitlab";

    /// <summary>GitLab's default maximum webhook payload is 25 MB, like GitHub's.</summary>
    public const int MaxBodyBytes = WebhookBody.MaxBytes;

    /// <summary>The dedupe key, in order of preference: the same for every retry of one delivery.</summary>
    public static readonly string[] DeliveryIdHeaders = ["Idempotency-Key", "X-Gitlab-Webhook-UUID", "X-Gitlab-Event-UUID"];

    public static IEndpointRouteBuilder MapGitLabWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, WebhookIntake intake, GitLabWebhookVerifier verifier, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var (result, answer) = await AnswerAsync(http, intake, verifier, logger, ct);
            outcome = answer;
            return result;
        }
        finally
        {
            TerraFlowTelemetry.WebhooksReceived.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("provider", Provider));
            TerraFlowTelemetry.WebhookAckDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static async Task<(IResult Result, string Outcome)> AnswerAsync(HttpContext http, WebhookIntake intake, GitLabWebhookVerifier verifier, ILogger<WebhookIntake> logger, CancellationToken ct)
    {
        var request = http.Request;
        if (!verifier.Configured)
        {
            logger.LogWarning("GitLab webhook refused: neither TerraFlow__GitLab__WebhookSecret nor TerraFlow__GitLab__ProjectSecrets is configured");
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status503ServiceUnavailable,
                "GitLab webhooks are not configured on this TerraFlow (set TerraFlow__GitLab__WebhookSecret)"), "not-configured");
        }

        var token = request.Headers[GitLabWebhookVerifier.TokenHeader].ToString();
        // Without per-project secrets the token needs no body, so a wrong one costs no buffering.
        if (token.Length == 0 || (!verifier.HasProjectSecrets && !verifier.Verify(token, null)))
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status401Unauthorized, "missing or invalid X-Gitlab-Token"), "unauthorized");
        if (WebhookBody.DeclaredTooLarge(http, MaxBodyBytes))
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status413PayloadTooLarge, $"payload larger than {MaxBodyBytes} bytes"), "too-large");

        var read = await WebhookBody.ReadAsync(http, ct, MaxBodyBytes);
        if (read.Outcome == WebhookBody.Outcome.TooLarge)
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status413PayloadTooLarge, $"payload larger than {MaxBodyBytes} bytes"), "too-large");
        if (read.Outcome == WebhookBody.Outcome.Incomplete)
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status400BadRequest, "the request body ended before its declared length"), "bad-request");
        var body = read.Body;

        // A per-project secret needs the project's path from the (not yet trusted) body; it only selects the secret.
        if (verifier.HasProjectSecrets && !verifier.Verify(token, GitLabWebhookParser.TryReadProjectPath(body.Span)))
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status401Unauthorized, "missing or invalid X-Gitlab-Token"), "unauthorized");

        var eventName = request.Headers[GitLabWebhookParser.EventHeader].ToString();
        if (eventName.Length == 0) return (GitHubWebhookEndpoint.Problem(StatusCodes.Status400BadRequest, "missing X-Gitlab-Event header"), "bad-request");
        if (!WebhookHeaders.IsPlausible(eventName, WebhookHeaders.MaxEventChars))
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status400BadRequest, $"invalid X-Gitlab-Event header (printable ASCII, at most {WebhookHeaders.MaxEventChars} characters)"), "bad-request");
        var deliveryId = DeliveryIdHeaders.Select(h => request.Headers[h].ToString().Trim()).FirstOrDefault(v => v.Length > 0) ?? "";
        if (!WebhookHeaders.IsPlausible(deliveryId, WebhookHeaders.MaxDeliveryIdChars))
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status400BadRequest, "missing or invalid Idempotency-Key (or X-Gitlab-Webhook-UUID / X-Gitlab-Event-UUID) header"), "bad-request");

        Core.Vcs.VcsEvent ev;
        try
        {
            ev = GitLabWebhookParser.Parse(eventName, body.Span);
        }
        catch (GitLabPayloadException ex)
        {
            return (GitHubWebhookEndpoint.Problem(StatusCodes.Status400BadRequest, ex.Message), "bad-request");
        }

        var operationId = TerraFlowTelemetry.CurrentOperationId() ?? deliveryId;
        Activity.Current?.SetTag("terraflow.delivery_id", deliveryId);
        var result = await intake.AcceptAsync(Provider, deliveryId, eventName, ev, ct, operationId);
        if (result.RunId is not null) TerraFlowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("trigger", "push"));
        logger.LogInformation("GitLab delivery {DeliveryId} ({Event}): {Status} — {Reason}", deliveryId, eventName, result.Status, result.Reason);
        var payload = new { status = result.Status.ToString().ToLowerInvariant(), reason = result.Reason, runId = result.RunId };
        var answer = result.Status.ToString().ToLowerInvariant();
        return result.Status == IntakeStatus.Accepted ? (Results.Json(payload, statusCode: StatusCodes.Status202Accepted), answer) : (Results.Json(payload), answer);
    }
}
