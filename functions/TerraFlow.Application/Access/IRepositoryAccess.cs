namespace TerraFlow.Application.Access;

/// <summary>What a user may do in one repository.</summary>
public enum RepositoryAccessLevel
{
    /// <summary>Sees nothing of it: no runs, plans, locks or drift, by page or API.</summary>
    None = 0,

    /// <summary>Reads its runs, plans, locks and drift.</summary>
    Read = 1,

    /// <summary>Reads, and unlocks, re-plans, starts drift checks, cancels queued runs.</summary>
    Operate = 2,
}

/// <summary>A repository as the console names it.</summary>
public sealed record RepositoryKey(string Provider, string Owner, string Name);

/// <summary>
/// Answers "may this user see / operate this repository", asking the VCS host (cached briefly) and applying the
/// operator and admin settings. Every console page and <c>/api/*</c> read filters through it.
/// </summary>
public interface IRepositoryAccess
{
    Task<RepositoryAccessLevel> AccessAsync(ConsoleUser user, RepositoryKey repository, CancellationToken ct);
}
