using Azure.Messaging.ServiceBus;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The function app's sending side of the Service Bus job transport: jobs from the outbox (the <c>jobs</c> table) to
/// the jobs queue. At least once; a resend is absorbed by the queue's duplicate detection (message id = job id).
/// </summary>
public sealed class ServiceBusJobDispatcher(ServiceBusClient client, ServiceBusOptions options) : IAsyncDisposable
{
    private readonly ServiceBusSender _jobs = client.CreateSender(options.JobsQueue);

    /// <summary>Sends a job. Sending the same job id again inside the queue's duplicate-detection window is a no-op.</summary>
    public Task SendJobAsync(long jobId, JobSpec spec, CancellationToken ct) =>
        _jobs.SendMessageAsync(JobMessages.Job(jobId, spec), ct);

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();
}
