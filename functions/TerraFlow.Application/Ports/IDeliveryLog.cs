using TerraFlow.Core.Vcs;

namespace TerraFlow.Application.Ports;

/// <summary>Webhook deliveries and VCS-side ids already received: what makes a redelivery change nothing.</summary>
public interface IDeliveryLog
{
    /// <summary>Records the delivery (collected write); <see cref="PendingInsert.Inserted"/> is false after the flush when it was known.</summary>
    PendingInsert AddDelivery(string provider, string deliveryId, string eventName, string? action, string outcome, long? runId);

    /// <summary>Records a comment's or review's own id (collected write); not inserted when another delivery brought it.</summary>
    PendingInsert AddCommandSeen(string provider, RepoRef repo, string kind, long vcsId, string deliveryId);

    /// <summary>Records an app installation's latest action (collected write).</summary>
    void AddInstallation(string provider, long installationId, string account, string action);
}

/// <summary>A collected insert that may meet an existing row; read <see cref="Inserted"/> after the writes were sent.</summary>
public abstract class PendingInsert
{
    public abstract bool Inserted { get; }
}
