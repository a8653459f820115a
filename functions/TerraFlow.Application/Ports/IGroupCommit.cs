namespace TerraFlow.Application.Ports;

/// <summary>
/// Group commit: the units of work of concurrent callers run one after another in one shared transaction, each behind
/// its own savepoint, and are committed together (one commit, one WAL flush, fewer round trips). A unit ends with
/// <see cref="IWorkflowTransaction.CommitAsync"/> (keep its writes) or <see cref="IWorkflowTransaction.RollbackAsync"/>
/// (undo its own writes only; so does returning without either). <see cref="RunAsync{T}"/> returns only after the
/// shared commit succeeded, so whatever a caller answers is durable. Anything that goes wrong in a group (the unit
/// throws, the shared commit fails) makes the units concerned run again alone, each in a transaction of its own, so
/// a caller sees exactly what it would have seen without grouping: a unit may therefore run twice and must have no
/// effect outside its transaction. Its writes see those of earlier units of the same group (a delivery id stored by
/// one is known to the next).
/// </summary>
public interface IGroupCommit
{
    Task<T> RunAsync<T>(Func<IWorkflowTransaction, CancellationToken, Task<T>> work, CancellationToken ct);
}
