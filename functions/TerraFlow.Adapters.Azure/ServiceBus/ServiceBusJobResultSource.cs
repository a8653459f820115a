using System.Security.Cryptography;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// <see cref="IJobResultSource"/> on the results queue: peek-lock receive, hand each result over, complete it only
/// after the handler returned (the inbox row and the message id are committed). Nothing here abandons: a handler that
/// fails (the database is down) leaves the message locked, so it comes back only after the lock expires instead of
/// spinning through its delivery count. When the queue is empty it also looks at the queue's dead-letter sub-queue:
/// a result the broker gave up on (delivery count used up during a long database outage, or expired) is still a
/// result, and recording is idempotent, so it is taken from there too rather than lost.
/// </summary>
public sealed class ServiceBusJobResultSource : IJobResultSource, IAsyncDisposable
{
    private readonly ServiceBusReceiver _results;
    private readonly ServiceBusReceiver _deadLettered;
    private readonly ILogger<ServiceBusJobResultSource> _logger;

    public ServiceBusJobResultSource(ServiceBusClient client, ServiceBusOptions options, ILogger<ServiceBusJobResultSource> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        _logger = logger;
        _results = client.CreateReceiver(options.ResultsQueue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 });
        _deadLettered = client.CreateReceiver(options.ResultsQueue, new ServiceBusReceiverOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0, SubQueue = SubQueue.DeadLetter,
        });
    }

    /// <summary>How long the dead-letter look waits; it runs only after the main queue answered empty.</summary>
    internal static readonly TimeSpan DeadLetterWait = TimeSpan.FromMilliseconds(200);

    public async Task<int> ReceiveAsync(Func<JobResultDelivery, CancellationToken, Task> handle, int max, TimeSpan wait, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var handled = await ReceiveFromAsync(_results, handle, max, wait, ct).ConfigureAwait(false);
        if (handled > 0) return handled;
        return await ReceiveFromAsync(_deadLettered, handle, max, DeadLetterWait, ct).ConfigureAwait(false);
    }

    private async Task<int> ReceiveFromAsync(ServiceBusReceiver receiver, Func<JobResultDelivery, CancellationToken, Task> handle, int max, TimeSpan wait, CancellationToken ct)
    {
        var messages = await receiver.ReceiveMessagesAsync(Math.Max(1, max), wait, ct).ConfigureAwait(false);
        var handled = 0;
        foreach (var message in messages)
        {
            var delivery = Decode(message);
            if (receiver == _deadLettered)
                _logger.LogWarning("Result message {MessageId} was dead-lettered ({Reason}); recording it from the dead-letter queue", delivery.MessageId, message.DeadLetterReason);
            await handle(delivery, ct).ConfigureAwait(false);
            try
            {
                await receiver.CompleteMessageAsync(message, ct).ConfigureAwait(false);
            }
            catch (ServiceBusException ex) when (ServiceBusJobQueue.IsLockGone(ex))
            {
                // Recorded, but the lock ran out first: it comes back and the intake answers Duplicate.
                _logger.LogWarning("Result message {MessageId} was recorded but its lock had expired; its redelivery will be a no-op", delivery.MessageId);
            }
            handled++;
        }
        return handled;
    }

    /// <summary>
    /// The message id identifies the delivery for the intake's once-only record; without one (not sent by a runner),
    /// the body's hash does, so the same bytes sent twice are still recognised.
    /// </summary>
    internal static JobResultDelivery Decode(ServiceBusReceivedMessage message)
    {
        var messageId = message.MessageId is { Length: > 0 and <= 200 } id
            ? id
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(message.Body.ToMemory().Span));
        if (JobMessages.TryReadResult(message.Body) is not { } result)
            return new JobResultDelivery(messageId, message.DeliveryCount, null, "the body is not a TerraFlow job result (JobWire JSON)");
        return JobWire.ResultProblem(result) is { } problem
            ? new JobResultDelivery(messageId, message.DeliveryCount, null, problem)
            : new JobResultDelivery(messageId, message.DeliveryCount, result, null);
    }

    public async ValueTask DisposeAsync()
    {
        await _results.DisposeAsync().ConfigureAwait(false);
        await _deadLettered.DisposeAsync().ConfigureAwait(false);
    }
}
