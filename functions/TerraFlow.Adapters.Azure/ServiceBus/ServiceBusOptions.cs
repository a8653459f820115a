using Azure.Messaging.ServiceBus;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Configuration section <c>TerraFlow:ServiceBus</c>.</summary>
public sealed class ServiceBusOptions
{
    /// <summary>e.g. <c>contoso.servicebus.windows.net</c>; used with Microsoft Entra ID (Azure.Identity's <c>DefaultAzureCredential</c>).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>User-assigned managed identity's client id; unset for system-assigned or developer sign-in.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>A connection string (SAS key) instead of Microsoft Entra ID; the SDK parses and signs it. Wins when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>AMQP over TCP 5671 (default) or over WebSockets on 443 (<c>AmqpWebSockets</c>) where only 443 is open.</summary>
    public ServiceBusTransportType TransportType { get; set; } = ServiceBusTransportType.AmqpTcp;

    /// <summary>Queue the function app sends jobs to and runners peek-lock from.</summary>
    public string JobsQueue { get; set; } = "jobs";

    /// <summary>Queue runners send results to and the function app receives from.</summary>
    public string ResultsQueue { get; set; } = "results";

    /// <summary>
    /// The jobs queue's LockDuration (configured on the queue, not per call; Bicep sets both from one value).
    /// Runners renew at a third of it.
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one runner claim waits for a job before answering "nothing" (must be positive: the SDK refuses zero).</summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one receive of the host's results receiver waits for the first result. A long wait costs nothing: the
    /// receive returns as soon as a result arrives, which is what keeps results under a second from the workflow.
    /// </summary>
    public TimeSpan ResultsReceiveWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deliveries of one job a runner will work on (matches <c>jobs.max_attempts</c>). A delivery beyond it is answered
    /// with a failed result and dead-lettered instead of being run; the queue's MaxDeliveryCount is MaxAttempts + 1 so
    /// that the broker only dead-letters on its own a job that even this could not answer.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Most results one receive call takes (they are recorded one by one, each completed after its commit).</summary>
    public int MaxDrainBatch { get; set; } = 64;

    /// <summary>
    /// Tries of the SDK's own retry policy (exponential, up to <see cref="MaxRetryDelay"/> apart) for every operation,
    /// so a result send rides out a broker or network hiccup of a few minutes before the runner gives up on it.
    /// </summary>
    public int MaxRetries { get; set; } = 6;

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
