namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Configuration section <c>TerraFlow:ServiceBus</c>.</summary>
public sealed class ServiceBusOptions
{
    /// <summary>e.g. <c>contoso.servicebus.windows.net</c>; used with managed identity (Azure.Identity's default chain).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>User-assigned managed identity's client id; unset for system-assigned or developer sign-in.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>SAS connection string instead of Microsoft Entra (local stand-in, or where identities are not available).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Queue the function app sends jobs to and runners peek-lock from.</summary>
    public string JobsQueue { get; set; } = "jobs";

    /// <summary>Queue runners send results to and the function app drains.</summary>
    public string ResultsQueue { get; set; } = "results";

    /// <summary>
    /// The jobs queue's LockDuration (configured on the queue, not per call; Bicep sets both from one value).
    /// Runners renew at a third of it.
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one claim waits for a job (the REST long poll) before answering "nothing".</summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one results receive waits; short, because the drain runs often.</summary>
    public TimeSpan DrainReceiveTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Deliveries of one job a runner will work on (matches <c>jobs.max_attempts</c>). A delivery beyond it is answered
    /// with a failed result instead of being run; the queue's MaxDeliveryCount should be MaxAttempts + 1 so that the
    /// broker only dead-letters a job that even this could not answer.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Most results one drain call handles, so one call never runs unbounded.</summary>
    public int MaxDrainBatch { get; set; } = 256;
}
