namespace TerraFlow.Application.Signals;

/// <summary>Which queue got new work.</summary>
public enum WorkChannel
{
    /// <summary>New job rows (for runners and the job dispatch loop).</summary>
    Jobs,

    /// <summary>New workflow inbox items (for the engine).</summary>
    Inbox,

    /// <summary>New outbox items (comments, statuses to send).</summary>
    Outbox,
}

/// <summary>
/// Wake-ups from the shared store: every process on the same database hears when new work is committed, so loops need
/// not wait for their next poll. Only a hint: the loops still poll, so a lost wake-up slows things down, no more.
/// </summary>
public interface IWorkNotifications
{
    /// <summary>
    /// Calls <paramref name="wake"/> for each notification until <paramref name="ct"/> is cancelled; throws when the
    /// connection to the store is lost (the caller reconnects after a pause).
    /// </summary>
    Task ListenAsync(Action<WorkChannel> wake, CancellationToken ct);
}
