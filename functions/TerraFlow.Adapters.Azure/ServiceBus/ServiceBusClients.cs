using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The one <see cref="ServiceBusClient"/> per process (it owns the AMQP connection that every sender and receiver
/// shares): from a connection string when one is set, otherwise from the namespace with Microsoft Entra ID.
/// </summary>
public static class ServiceBusClients
{
    public static ServiceBusClient Create(ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new ServiceBusClientOptions
        {
            TransportType = options.TransportType,
            RetryOptions = new ServiceBusRetryOptions
            {
                Mode = ServiceBusRetryMode.Exponential,
                MaxRetries = options.MaxRetries,
                Delay = TimeSpan.FromSeconds(0.8),
                MaxDelay = options.MaxRetryDelay,
            },
            Identifier = $"terraflow-{Environment.MachineName}-{Environment.ProcessId}",
        };
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            return new ServiceBusClient(options.ConnectionString, clientOptions);
        if (string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
            throw new InvalidOperationException("Service Bus needs TerraFlow:ServiceBus:FullyQualifiedNamespace (Microsoft Entra ID) or ConnectionString.");
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        return new ServiceBusClient(HostOf(options.FullyQualifiedNamespace), credential, clientOptions);
    }

    /// <summary>Accepts <c>ns.servicebus.windows.net</c> as well as <c>sb://ns.servicebus.windows.net/</c> or an https URL.</summary>
    internal static string HostOf(string fullyQualifiedNamespace) =>
        Uri.TryCreate(fullyQualifiedNamespace, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? uri.Host
            : fullyQualifiedNamespace.Trim().TrimEnd('/');
}
