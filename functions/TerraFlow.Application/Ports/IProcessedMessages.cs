namespace TerraFlow.Application.Ports;

/// <summary>Messages of at-least-once transports already handled, by source and message id.</summary>
public interface IProcessedMessages
{
    /// <summary>Records the message; false when it was recorded before (a redelivery).</summary>
    Task<bool> TryRecordAsync(string source, string messageId, bool accepted, string? detail, int? deliveryCount, CancellationToken ct);
}
