namespace TerraFlow.Application.Jobs;

/// <summary>
/// A results queue that delivers at least once and holds each message under a lock until it is acknowledged (Azure
/// Service Bus in peek-lock). The contract that makes "no result lost, none applied twice" hold: a delivery is
/// acknowledged only after <c>handle</c> returned (its effect is committed); a delivery whose handler threw, or whose
/// process died before acknowledging, comes back after its lock expires and is handled again, idempotently.
/// </summary>
public interface IJobResultSource
{
    /// <summary>
    /// Receives up to <paramref name="max"/> results, waiting at most <paramref name="wait"/> for the first, and calls
    /// <paramref name="handle"/> for each in turn, acknowledging each after its handler returned. A handler that throws
    /// stops the batch and the exception propagates; the deliveries not acknowledged come back after their locks expire.
    /// A message that is not a job result is handed over too, with <see cref="JobResultDelivery.Problem"/> set, so it is
    /// recorded as rejected and acknowledged instead of going round until the broker dead-letters it.
    /// Returns how many deliveries were handled and acknowledged.
    /// </summary>
    Task<int> ReceiveAsync(Func<JobResultDelivery, CancellationToken, Task> handle, int max, TimeSpan wait, CancellationToken ct);
}
