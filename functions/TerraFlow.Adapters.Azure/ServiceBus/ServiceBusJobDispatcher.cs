using Microsoft.Extensions.Logging;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The function app's side of the Service Bus job transport: sends jobs (from the outbox) and drains results into
/// the workflow inbox. Both directions are at-least-once; duplicates are absorbed by duplicate detection on the
/// queues (message id = job id) and by the host writing one inbox row per job.
/// </summary>
public sealed class ServiceBusJobDispatcher(ServiceBusRestClient client, ServiceBusOptions options, ILogger<ServiceBusJobDispatcher> logger)
{
    /// <summary>Sends a job. Sending the same job id again inside the queue's duplicate-detection window is a no-op.</summary>
    public Task SendJobAsync(long jobId, JobSpec spec, CancellationToken ct) =>
        client.SendAsync(options.JobsQueue, JobMessages.Job(jobId, spec), ct);

    /// <summary>
    /// Peek-locks results until the queue is empty (or <see cref="ServiceBusOptions.MaxDrainBatch"/> were handled),
    /// calls <paramref name="handle"/> for each and completes it after the handler returned. A handler that throws
    /// leaves its message locked; the lock expires and the result comes again (the handler must be idempotent per
    /// job). Returns how many results were handled.
    /// </summary>
    public Task<int> DrainResultsAsync(Func<JobResult, CancellationToken, Task> handle, CancellationToken ct) =>
        DrainResultDeliveriesAsync((delivery, token) => handle(delivery.Result, token), ct);

    /// <summary>
    /// As above, with each result's message id and delivery count, for a handler that records what it processed
    /// (the host's idempotent inbox write keys on the message id, like the JobResults function does).
    /// </summary>
    public async Task<int> DrainResultDeliveriesAsync(Func<ResultDelivery, CancellationToken, Task> handle, CancellationToken ct)
    {
        var handled = 0;
        for (var received = 0; received < options.MaxDrainBatch; received++)
        {
            var message = await client.PeekLockAsync(options.ResultsQueue, options.DrainReceiveTimeout, ct);
            if (message is null) break;

            if (JobMessages.TryReadResult(message.Body) is not { } result)
            {
                // Left locked, not unlocked: unlocking would hand it straight back to this loop.
                logger.LogError("Result message {MessageId} is not a TerraFlow job result; the broker dead-letters it after MaxDeliveryCount",
                    message.Properties.MessageId);
                continue;
            }

            await handle(new ResultDelivery(message.Properties.MessageId ?? JobMessages.ResultMessageId(result.JobId, message.Properties.DeliveryCount), message.Properties.DeliveryCount, result), ct);
            if (!await client.CompleteAsync(message, ct))
                logger.LogWarning("Result of job {JobId} was handled but its lock had expired; it will be handled again", result.JobId);
            handled++;
        }

        return handled;
    }
}

/// <summary>One result taken from the results queue: its Service Bus identity and the decoded result.</summary>
public sealed record ResultDelivery(string MessageId, int DeliveryCount, JobResult Result);
