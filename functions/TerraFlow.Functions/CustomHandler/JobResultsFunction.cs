using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// <c>JobResults</c>: a runner's job result from the Service Bus results queue into the workflow inbox, once.
/// Service Bus delivers at least once, so the message id is recorded with the inbox row (<see cref="IJobResultIntake"/>,
/// shared with the standalone host's drain); a redelivery finds it and changes nothing.
/// A message that can never be processed (malformed) is recorded as rejected and answered with success, so the host
/// completes it instead of redelivering it until it dead-letters; the reason is in the invocation's logs and in
/// <c>processed_messages</c>. A database failure is a 500, so the host
/// abandons the message and Service Bus redelivers it later.
/// </summary>
internal static class JobResultsFunction
{
    public const string Source = FunctionRegistry.JobResults;

    public static async Task<IResult> InvokeAsync(HttpContext http, IJobResultIntake intake, ILoggerFactory loggers, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (InvocationRequest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is not { } request)
            return Results.Json(new { status = "rejected", reason = "not a custom-handler invocation payload" }, statusCode: StatusCodes.Status400BadRequest);

        var binding = FunctionRegistry.All.Single(f => f.Name == Source).Trigger.BindingName;
        var message = JobResultMessage.Decode(request, binding);
        var outcome = await intake.RecordAsync(message, ct);

        var log = outcome switch
        {
            JobResultIntakeOutcome.Duplicate => $"message {message.MessageId} was already processed; nothing changed",
            JobResultIntakeOutcome.Accepted => $"job {message.Result!.JobId} ({message.Result.Kind}) of run {message.Result.RunId} queued for the workflow engine",
            _ => $"message {message.MessageId} rejected (delivery {message.DeliveryCount}), not retried: {message.Problem}",
        };
        var logger = loggers.CreateLogger(typeof(JobResultsFunction));
        if (outcome == JobResultIntakeOutcome.Rejected) logger.LogWarning("JobResults: {Log}", log);
        else logger.LogInformation("JobResults: {Log}", log);

        object returnValue = outcome == JobResultIntakeOutcome.Rejected
            ? new { status = "rejected", statusCode = StatusCodes.Status400BadRequest, messageId = message.MessageId, reason = message.Problem }
            : new { status = outcome == JobResultIntakeOutcome.Accepted ? "accepted" : "duplicate", statusCode = StatusCodes.Status200OK, messageId = message.MessageId };
        return InvocationResponse.Ok([log], returnValue);
    }
}
