using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Writes a job result taken from an at-least-once results queue (Service Bus) into the workflow inbox, once per
/// message id: the id is recorded in the same transaction as the inbox row, so a redelivery finds it and changes
/// nothing. A malformed message is recorded as rejected (with the reason) so it is completed rather than redelivered
/// until it dead-letters. Used by the <c>JobResults</c> function in Azure and by the standalone host's results loop;
/// both record under <see cref="Source"/>, so a message handled by either is not handled again by the other.
/// </summary>
public sealed class JobResultInbox(IWorkflowStore store)
{
    /// <summary>The source name results are recorded under (the <c>JobResults</c> function's name).</summary>
    public const string Source = "JobResults";

    public enum Outcome { Accepted, Duplicate, Rejected }

    /// <param name="result">The decoded result, or null when the message was not one (<paramref name="problem"/> says why).</param>
    public async Task<Outcome> RecordAsync(string messageId, int? deliveryCount, JobResult? result, string? problem, CancellationToken ct)
    {
        await using var tx = await store.BeginAsync(ct);
        var outcome = result is null ? Outcome.Rejected : Outcome.Accepted;
        if (!await tx.ProcessedMessages.TryRecordAsync(Source, messageId, outcome == Outcome.Accepted, problem, deliveryCount, ct))
        {
            await tx.RollbackAsync(ct);
            return Outcome.Duplicate;
        }
        if (result is not null)
        {
            tx.Inbox.Add(new JobResultReceived(result));
            // The job row (the host's record of a dispatched job) is finished, so the overdue sweep leaves it alone.
            tx.Jobs.FinishDispatched(result.JobId);
        }
        await tx.CommitAsync(ct);
        return outcome;
    }
}
