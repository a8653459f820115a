using System.Globalization;
using System.Text.Json.Serialization;

namespace TerraFlow.Adapters.Azure.ServiceBus;

/// <summary>
/// The <c>BrokerProperties</c> header of a message we send. Only the properties TerraFlow uses; the REST contract
/// names them in PascalCase.
/// </summary>
public sealed record OutgoingBrokerProperties
{
    /// <summary>Duplicate detection on the queue drops a second message with the same id inside its window.</summary>
    public string? MessageId { get; init; }
    public string? CorrelationId { get; init; }
    public string? Label { get; init; }
    /// <summary>Seconds.</summary>
    public double? TimeToLive { get; init; }
}

/// <summary>The <c>BrokerProperties</c> header of a received (peek-locked) message.</summary>
public sealed record ReceivedBrokerProperties
{
    public string? MessageId { get; init; }
    public string? CorrelationId { get; init; }
    public string? Label { get; init; }
    public string? LockToken { get; init; }
    public long SequenceNumber { get; init; }
    /// <summary>1 on the first delivery; each lock expiry or unlock adds one.</summary>
    public int DeliveryCount { get; init; }
    /// <summary>RFC 1123 ("Sun, 06 Nov 1994 08:49:37 GMT"), as the service writes it.</summary>
    public string? LockedUntilUtc { get; init; }
    public string? EnqueuedTimeUtc { get; init; }

    [JsonIgnore]
    public DateTimeOffset? LockedUntil => ParseHttpDate(LockedUntilUtc);

    public static string FormatHttpDate(DateTimeOffset value) => value.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseHttpDate(string? value) =>
        DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}

/// <summary>A message to send: payload, broker properties, and custom properties (each sent as its own header).</summary>
public sealed record ServiceBusOutgoingMessage(
    ReadOnlyMemory<byte> Body,
    OutgoingBrokerProperties Properties,
    IReadOnlyDictionary<string, string>? CustomProperties = null,
    string ContentType = "application/json");

/// <summary>
/// A peek-locked message. <see cref="LockUri"/> (the response's Location) is where renew (POST), complete (DELETE) and
/// unlock (PUT) go. <see cref="Headers"/> holds every response header: custom properties arrive as headers.
/// </summary>
public sealed record ServiceBusReceivedMessage(
    ReadOnlyMemory<byte> Body,
    ReceivedBrokerProperties Properties,
    Uri LockUri,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A Service Bus answer the caller cannot act on (auth, quota, missing entity, server errors after retries).</summary>
public sealed class ServiceBusRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
