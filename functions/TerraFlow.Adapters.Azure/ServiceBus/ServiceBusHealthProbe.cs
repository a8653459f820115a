using Azure.Messaging.ServiceBus;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// Readiness of the Service Bus transport as the host uses it: a peek (no lock, changes nothing) on the results
/// queue, which opens the AMQP connection and link and so proves the namespace is reachable, the credential is
/// accepted, the identity may listen there, and the queue exists.
/// </summary>
public sealed class ServiceBusHealthProbe(ServiceBusClient client, ServiceBusOptions options) : IAsyncDisposable
{
    private readonly ServiceBusReceiver _probe = client.CreateReceiver(options.ResultsQueue, new ServiceBusReceiverOptions { PrefetchCount = 0 });

    public string Queue => options.ResultsQueue;

    /// <summary>Throws (a <see cref="ServiceBusException"/>, an authentication failure) when the queue cannot be read.</summary>
    public async Task ProbeAsync(CancellationToken ct) => await _probe.PeekMessageAsync(cancellationToken: ct).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _probe.DisposeAsync();
}
