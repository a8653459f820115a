using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Jobs;

/// <summary>Sends one job to the external job transport; message id = job id, so a resend is dropped as a duplicate.</summary>
public delegate Task SendJob(long jobId, JobSpec spec, CancellationToken ct);

/// <summary>
/// The job table as a transactional outbox for an external transport (Service Bus): a workflow step writes its jobs
/// in its own transaction; this claims due 'queued' jobs (each claimed by one host only), hands each to the sender and
/// marks them 'dispatched' in the same transaction. A failed send or a crash before the commit leaves them queued,
/// and the transport's duplicate detection drops what was already sent.
/// </summary>
public interface IJobDispatchOutbox
{
    /// <summary>Returns how many jobs were sent (0 when none were due).</summary>
    Task<int> DispatchBatchAsync(int batchSize, SendJob send, CancellationToken ct);
}
