using System.Globalization;
using System.Text.Json;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Identity;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>Azure.Core client options (retries, transport, diagnostics) for <see cref="ServiceBusRestClient"/>.</summary>
public sealed class ServiceBusRestClientOptions : ClientOptions;

/// <summary>
/// The Service Bus runtime REST API (send, peek-lock, renew, complete, unlock) over an Azure.Core pipeline, which
/// brings retries with backoff for 408/429/5xx and network errors, and the authentication policy.
/// Azure.Messaging.ServiceBus (AMQP) cannot be restored on the build machines; REST is a documented protocol with
/// two gaps that TerraFlow designs around: no sessions and no explicit dead-lettering.
/// </summary>
public sealed class ServiceBusRestClient
{
    /// <summary>The Microsoft Entra scope for Service Bus data-plane calls.</summary>
    public const string EntraScope = "https://servicebus.azure.net/.default";

    private readonly HttpPipeline _pipeline;

    public ServiceBusRestClient(Uri endpoint, HttpPipeline pipeline)
    {
        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _pipeline = pipeline;
    }

    /// <summary>The namespace's REST base, e.g. <c>https://contoso.servicebus.windows.net/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>SAS authentication from a connection string (<c>Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...</c>).</summary>
    public static ServiceBusRestClient FromConnectionString(string connectionString, ServiceBusRestClientOptions? options = null, TimeProvider? time = null)
    {
        var parsed = ServiceBusConnectionString.Parse(connectionString);
        var pipeline = HttpPipelineBuilder.Build(options ?? new ServiceBusRestClientOptions(),
            new SharedAccessSignaturePolicy(parsed, time ?? TimeProvider.System));
        return new ServiceBusRestClient(parsed.Endpoint, pipeline);
    }

    /// <summary>Microsoft Entra authentication (managed identity, workload identity, developer sign-in) with a bearer token.</summary>
    public static ServiceBusRestClient FromCredential(Uri endpoint, TokenCredential credential, ServiceBusRestClientOptions? options = null)
    {
        var pipeline = HttpPipelineBuilder.Build(options ?? new ServiceBusRestClientOptions(),
            new BearerTokenAuthenticationPolicy(credential, EntraScope));
        return new ServiceBusRestClient(endpoint, pipeline);
    }

    /// <summary>From configuration: the connection string when set, otherwise the namespace with Azure.Identity's default chain.</summary>
    public static ServiceBusRestClient Create(ServiceBusOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            return FromConnectionString(options.ConnectionString);
        if (string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
            throw new InvalidOperationException("Service Bus needs TerraFlow:ServiceBus:FullyQualifiedNamespace (managed identity) or ConnectionString.");
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        var host = options.FullyQualifiedNamespace.Contains("://", StringComparison.Ordinal)
            ? new Uri(options.FullyQualifiedNamespace)
            : new Uri($"https://{options.FullyQualifiedNamespace}/");
        return FromCredential(host, credential);
    }

    /// <summary>Send Message: <c>POST /{queue}/messages</c> → 201.</summary>
    public async Task SendAsync(string queue, ServiceBusOutgoingMessage message, CancellationToken ct)
    {
        using var http = _pipeline.CreateMessage();
        var request = Build(http, RequestMethod.Post, new Uri(Endpoint, $"{Uri.EscapeDataString(queue)}/messages"));
        request.Headers.SetValue("BrokerProperties", JsonSerializer.Serialize(message.Properties, ServiceBusJson.Default.OutgoingBrokerProperties));
        foreach (var (name, value) in message.CustomProperties ?? new Dictionary<string, string>())
            request.Headers.SetValue(name, JsonSerializer.Serialize(value)); // string properties are JSON-quoted headers
        request.Headers.SetValue(HttpHeader.Names.ContentType, message.ContentType);
        request.Content = RequestContent.Create(message.Body);
        await _pipeline.SendAsync(http, ct).ConfigureAwait(false);
        if (http.Response.Status != 201) throw Failure("send to", queue, http.Response);
    }

    /// <summary>
    /// Peek-Lock Message: <c>POST /{queue}/messages/head?timeout={seconds}</c>. 201 with the locked message, or null on
    /// 204 (nothing arrived within the timeout; the service holds the request open that long).
    /// </summary>
    public async Task<ServiceBusReceivedMessage?> PeekLockAsync(string queue, TimeSpan timeout, CancellationToken ct)
    {
        var seconds = ((int)Math.Ceiling(Math.Max(0, timeout.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        using var http = _pipeline.CreateMessage();
        var request = Build(http, RequestMethod.Post, new Uri(Endpoint, $"{Uri.EscapeDataString(queue)}/messages/head?timeout={seconds}"));
        request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        // The long poll must not trip the transport's own timeout.
        http.NetworkTimeout = timeout + TimeSpan.FromSeconds(30);
        await _pipeline.SendAsync(http, ct).ConfigureAwait(false);
        var response = http.Response;
        if (response.Status == 204) return null;
        if (response.Status != 201) throw Failure("receive from", queue, response);

        if (!response.Headers.TryGetValue("BrokerProperties", out var brokerJson) || brokerJson is null)
            throw new ServiceBusRequestException(response.Status, $"Service Bus answered a receive from '{queue}' without BrokerProperties.");
        var properties = JsonSerializer.Deserialize(brokerJson, ServiceBusJson.Default.ReceivedBrokerProperties)
            ?? throw new ServiceBusRequestException(response.Status, "BrokerProperties was null.");
        var lockUri = response.Headers.TryGetValue("Location", out var location) && Uri.TryCreate(location, UriKind.Absolute, out var parsed)
            ? parsed
            : LockUriFor(queue, properties); // the documented fallback: build it from the parts
        var headers = response.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new ServiceBusReceivedMessage(response.Content.ToMemory(), properties, lockUri, headers);
    }

    /// <summary>Renew-Lock: <c>POST {Location}</c> → 200. False when the lock is gone (expired, completed, or redelivered).</summary>
    public Task<bool> RenewLockAsync(ServiceBusReceivedMessage message, CancellationToken ct) => LockOperationAsync(RequestMethod.Post, message, ct);

    /// <summary>Delete Message (complete): <c>DELETE {Location}</c> → 200. False when the lock was already lost.</summary>
    public Task<bool> CompleteAsync(ServiceBusReceivedMessage message, CancellationToken ct) => LockOperationAsync(RequestMethod.Delete, message, ct);

    /// <summary>Unlock Message (abandon): <c>PUT {Location}</c> → 200; the message is available again with DeliveryCount + 1.</summary>
    public Task<bool> UnlockAsync(ServiceBusReceivedMessage message, CancellationToken ct) => LockOperationAsync(RequestMethod.Put, message, ct);

    /// <summary>
    /// Readiness probe that neither sends nor takes a message: an Unlock of a message id and lock token that cannot
    /// exist. 404/410 prove the namespace answers and accepted the credentials; 401/403 (bad key, missing role) and
    /// other answers throw <see cref="ServiceBusRequestException"/>, network failures their own exceptions.
    /// </summary>
    public async Task ProbeAsync(string queue, CancellationToken ct)
    {
        var lockUri = new Uri(Endpoint, $"{Uri.EscapeDataString(queue)}/messages/{Guid.NewGuid():N}/{Guid.NewGuid()}");
        var probe = new ServiceBusReceivedMessage(ReadOnlyMemory<byte>.Empty, new ReceivedBrokerProperties(), lockUri, new Dictionary<string, string>());
        await LockOperationAsync(RequestMethod.Put, probe, ct).ConfigureAwait(false);
    }

    private async Task<bool> LockOperationAsync(RequestMethod method, ServiceBusReceivedMessage message, CancellationToken ct)
    {
        using var http = _pipeline.CreateMessage();
        var request = Build(http, method, message.LockUri);
        if (method != RequestMethod.Delete) request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        await _pipeline.SendAsync(http, ct).ConfigureAwait(false);
        return http.Response.Status switch
        {
            200 => true,
            // 404: no message with that id and lock token (the lock expired, or the message was completed).
            // 410: the entity is gone. Either way this holder no longer owns the message.
            404 or 410 => false,
            _ => throw Failure($"{method} lock of a message in", message.LockUri.AbsolutePath, http.Response),
        };
    }

    private Uri LockUriFor(string queue, ReceivedBrokerProperties p) =>
        new(Endpoint, $"{Uri.EscapeDataString(queue)}/messages/{Uri.EscapeDataString(p.MessageId ?? p.SequenceNumber.ToString(CultureInfo.InvariantCulture))}/{Uri.EscapeDataString(p.LockToken ?? "")}");

    private static Request Build(HttpMessage http, RequestMethod method, Uri uri)
    {
        var request = http.Request;
        request.Method = method;
        request.Uri.Reset(uri);
        return request;
    }

    private static ServiceBusRequestException Failure(string action, string entity, Response response)
    {
        var body = response.Content.ToString();
        if (body.Length > 500) body = body[..500];
        return new ServiceBusRequestException(response.Status,
            $"Service Bus refused to {action} '{entity}': HTTP {response.Status} {response.ReasonPhrase}. {body}".TrimEnd());
    }
}
