namespace TerraFlow.Application.Queries;

// The console's read models. Their property names and order are the console API's JSON (camelCase): renaming one
// changes what operators' scripts read.

/// <summary>A repository TerraFlow knows. <see cref="Owner"/> is a GitLab group path or an Azure DevOps project where those apply.</summary>
public sealed record KnownRepository(long Id, string Provider, string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";
}

/// <summary>What the runs list asks for. Null means "any".</summary>
/// <param name="Repository"><c>owner/name</c> (case-insensitive).</param>
/// <param name="Trigger"><c>pull_request</c>, <c>schedule</c> (drift) or <c>manual</c>; see <see cref="RunTriggers.Normalize"/>.</param>
/// <param name="Status">A run status as stored (<c>planned</c>, <c>failed</c>…).</param>
/// <param name="Before">Keyset paging: only runs with a smaller id (the previous page's <see cref="RunListPage.NextBefore"/>).</param>
public sealed record RunListFilter(string? Repository, int? PullRequest, string? Trigger, string? Status, long? Before, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <summary>One page of runs, newest first; <see cref="NextBefore"/> is null on the last page.</summary>
public sealed record RunListPage(IReadOnlyList<RunSummary> Runs, long? NextBefore);

/// <summary>One line of the runs list.</summary>
public sealed record RunSummary(
    long Id,
    string Provider,
    string Repository,
    int? PullRequest,
    string Trigger,
    string Status,
    string HeadSha,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Projects,
    int ProjectsFailed);

/// <summary>A held project lock (one Terraform state: dir + workspace of a repository) and who waits for it.</summary>
public sealed record HeldLock(
    string Provider,
    string Repository,
    string Dir,
    string Workspace,
    int PullRequest,
    DateTimeOffset Since,
    IReadOnlyList<LockWaiter> Waiters);

/// <summary>A pull request queued behind a lock, re-planned when the lock reaches it.</summary>
public sealed record LockWaiter(int PullRequest, DateTimeOffset Since);

/// <summary>The job queue as the runners see it.</summary>
public sealed record RunnerBacklog(int Queued, int Running, DateTimeOffset? OldestQueuedAt, double? OldestQueuedAgeSeconds);

/// <summary>The words a run's trigger goes by.</summary>
public static class RunTriggers
{
    /// <summary><c>drift</c> is the console's word for a scheduled run; unknown words give null (the filter is refused).</summary>
    public static string? Normalize(string? trigger) => trigger?.Trim().ToLowerInvariant() switch
    {
        "pull_request" or "pr" => "pull_request",
        "schedule" or "drift" => "schedule",
        "manual" => "manual",
        _ => null,
    };
}
