namespace TerraFlow.Application.Queries;

/// <summary>
/// The console's read-only questions (runs list, locks and queues, runner backlog), answered from committed state
/// without locks. They know nothing of who asks: <see cref="ConsoleReader"/> filters every answer through
/// <see cref="Access.IRepositoryAccess"/> before a page or the API shows it.
/// </summary>
public interface IConsoleQueries
{
    /// <summary>Every repository TerraFlow knows (has seen a webhook or run for).</summary>
    Task<IReadOnlyList<KnownRepository>> RepositoriesAsync(CancellationToken ct);

    /// <summary>
    /// Runs of the given repositories only (an empty set answers nothing), newest first, matching the filter, at most
    /// <see cref="RunListFilter.Limit"/> from below <see cref="RunListFilter.Before"/> (keyset paging on the run id).
    /// </summary>
    Task<RunListPage> ListRunsAsync(RunListFilter filter, IReadOnlyCollection<long> repositoryIds, CancellationToken ct);

    /// <summary>Every held project lock with the pull requests queued behind it (first in line first).</summary>
    Task<IReadOnlyList<HeldLock>> LocksAsync(CancellationToken ct);

    /// <summary>Jobs waiting for a runner and running now, and how long the oldest queued one has waited.</summary>
    Task<RunnerBacklog> BacklogAsync(CancellationToken ct);
}
