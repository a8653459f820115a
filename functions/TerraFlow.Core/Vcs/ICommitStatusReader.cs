namespace TerraFlow.Core.Vcs;

/// <summary>
/// Reads a commit's current statuses. Optional beside <see cref="IVcsClient"/>: the outbox uses it only when it retries
/// a status effect (an earlier attempt may have reached the host before a crash), to skip a send whose result is
/// already visible. A client without it simply re-sends.
/// </summary>
public interface ICommitStatusReader
{
    /// <summary>The latest status of each context on <paramref name="sha"/>.</summary>
    Task<IReadOnlyList<CommitStatus>> GetLatestStatusesAsync(RepoRef repo, string sha, CancellationToken ct);
}
