using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Jobs;

/// <summary>
/// A runner's result as it arrived from a results queue that delivers at least once (Service Bus): the message's
/// identity and either a result whose shape was checked or why it can never be processed.
/// </summary>
/// <param name="MessageId">The queue's message id (or a hash of the body); a second delivery of it changes nothing.</param>
/// <param name="Problem">Why the message is refused; set exactly when <paramref name="Result"/> is null.</param>
public sealed record JobResultDelivery(string MessageId, int? DeliveryCount, JobResult? Result, string? Problem);

public enum JobResultIntakeOutcome
{
    /// <summary>The result is in the workflow inbox for the engine.</summary>
    Accepted,

    /// <summary>This message id was recorded before (a redelivery); nothing changed.</summary>
    Duplicate,

    /// <summary>The message can never be processed; recorded with its problem so the queue completes it instead of redelivering.</summary>
    Rejected,
}

/// <summary>
/// Records a delivered job result once per message id, in the same transaction as the inbox row it writes, so a
/// redelivery after a crash cannot hand the engine the same result twice. Every host's results loop (standalone or
/// the Functions worker, several instances at once) goes through this under one consumer name, so none repeats another's work.
/// </summary>
public interface IJobResultIntake
{
    Task<JobResultIntakeOutcome> RecordAsync(JobResultDelivery delivery, CancellationToken ct);
}
