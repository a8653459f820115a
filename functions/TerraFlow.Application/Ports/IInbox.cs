using TerraFlow.Application.Messages;

namespace TerraFlow.Application.Ports;

/// <summary>The workflow engine's inbox: what runners and webhooks hand over for the engine to decide on.</summary>
public interface IInbox
{
    /// <summary>Adds a message (collected write); idle engines are woken when the transaction commits.</summary>
    void Add(InboxMessage message);

    /// <summary>
    /// Claims the next due item, locked until the transaction ends (other engines skip it), and marks a point the
    /// transaction can return to if handling it fails (<see cref="RecordFailureAsync"/>). Null when none is due.
    /// With <paramref name="factsLease"/>, an item whose message may need facts from the VCS host (every message but a
    /// job result) is also leased as <see cref="LeaseAsync"/> would, in the same round trip
    /// (<see cref="ClaimedInboxItem.LeasedUntil"/>): the engine then only commits before reading the facts.
    /// </summary>
    Task<ClaimedInboxItem?> ClaimNextAsync(TimeSpan? factsLease, CancellationToken ct);

    /// <summary>
    /// Keeps a claimed item away from other engines for <paramref name="lease"/> after this transaction commits, so
    /// facts can be read from the VCS host with no transaction open; <see cref="Reclaim"/> takes it back.
    /// </summary>
    Task<InboxLease> LeaseAsync(ClaimedInboxItem item, TimeSpan lease, CancellationToken ct);

    /// <summary>
    /// Locks a leased item again, with the next statement this transaction sends (the step's first read, usually):
    /// the lock costs no round trip of its own. <see cref="ReclaimedAsync"/> tells whether it was taken back; nothing
    /// the step wrote may be committed before that is checked.
    /// </summary>
    void Reclaim(InboxLease lease);

    /// <summary>
    /// Whether <see cref="Reclaim"/> took the item back: false when another engine took it over (its lease ran out) or
    /// it was processed. Sends the lock now if nothing was sent since <see cref="Reclaim"/>.
    /// </summary>
    Task<bool> ReclaimedAsync(CancellationToken ct);

    /// <summary>Gives a leased item back at once (this engine stops before deciding it); runs in its own statement.</summary>
    Task ReleaseAsync(InboxLease lease, CancellationToken ct);

    /// <summary>The item is done (collected write).</summary>
    void MarkProcessed(long id);

    /// <summary>
    /// Undoes everything since the claim (including an aborted statement), keeps the item locked, and either schedules
    /// its next attempt (1 s, 2 s, 4 s … at most 5 minutes) or gives up on it, recording the error either way.
    /// </summary>
    Task RecordFailureAsync(long id, string error, bool giveUp, CancellationToken ct);
}

/// <summary>A claimed inbox item. <see cref="Message"/> is <see cref="UnreadableInboxMessage"/> when the stored row cannot be read.</summary>
public sealed record ClaimedInboxItem(long Id, string Kind, InboxMessage Message, int Attempts)
{
    /// <summary>The lease the claim took (see <see cref="IInbox.ClaimNextAsync"/>), or null.</summary>
    public DateTimeOffset? LeasedUntil { get; init; }
}

/// <summary>Proof of a lease: the due time this engine set, which another engine's lease would have changed.</summary>
public sealed record InboxLease(ClaimedInboxItem Item, DateTimeOffset Until);
