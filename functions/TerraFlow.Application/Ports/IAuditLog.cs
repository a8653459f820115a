namespace TerraFlow.Application.Ports;

/// <summary>Who did what to which run, when, and from which delivery.</summary>
public interface IAuditLog
{
    /// <summary>Appends an event (collected write).</summary>
    void Add(long? runId, string actor, string action, string detail, string? deliveryId);
}
