namespace TerraFlow.Application.Outbox;

/// <summary>
/// Hands out pending outbox rows one at a time. A claim keeps other dispatchers off its row while the message is sent,
/// without a database transaction open during the VCS calls; if the claiming host dies, the claim ends with it.
/// </summary>
public interface IOutboxQueue
{
    /// <summary>The next due row, claimed; null when nothing is due.</summary>
    Task<IOutboxClaim?> ClaimNextAsync(CancellationToken ct);
}

/// <summary>One claimed row. Disposing it without completing or failing leaves the row pending as it was.</summary>
public interface IOutboxClaim : IAsyncDisposable
{
    OutboxItem Item { get; }

    /// <summary>
    /// For a comment sync: waits until no other dispatcher is syncing this run's comment, then notes the run's other
    /// pending syncs, which <see cref="CompleteAsync"/> marks done too (the state read after this call includes what
    /// each of them announced). False when another dispatcher already covered this row: complete nothing, just dispose.
    /// </summary>
    Task<bool> HoldRunCommentAsync(CancellationToken ct);

    /// <summary>Marks the row (and the syncs it covered) done, saving the run's comment ids when given, in one transaction.</summary>
    Task CompleteAsync(RunCommentIds? commentIds, CancellationToken ct);

    /// <summary>Records the error and schedules a retry with backoff, or gives the row up.</summary>
    Task FailAsync(string error, bool giveUp, CancellationToken ct);
}

/// <param name="Attempts">Attempts before this one (a claim that ended without an outcome is not counted).</param>
public sealed record OutboxItem(long Id, OutboxMessage Message, int Attempts, DateTime CreatedAt);

/// <summary>The ids of the comments that show a run, in part order.</summary>
public sealed record RunCommentIds(long RunId, IReadOnlyList<long> Ids);
