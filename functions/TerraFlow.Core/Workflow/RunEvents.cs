using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>Something that happened to a run. The decider turns (state, event) into (new state, effects).</summary>
public abstract record RunEvent;

public sealed record DiscoveryFinished(DiscoveryOutcome Outcome) : RunEvent
{
    /// <summary>Lock holders, so projects locked by another pull request wait in its queue instead of planning.</summary>
    public LockView Locks { get; init; } = LockView.Empty;

    /// <summary>
    /// Project name → the pull request's latest earlier result for it, read by the store, so an unchanged project can
    /// keep its plan (<see cref="CarriedPlans"/>).
    /// </summary>
    public IReadOnlyDictionary<string, PreviousPlan> PreviousPlans { get; init; } = new Dictionary<string, PreviousPlan>();
}

public sealed record PlanFinished(PlanOutcome Outcome) : RunEvent;

/// <summary>A newer push (or a new plan command) replaced this run.</summary>
public sealed record RunSuperseded(string NewHeadSha) : RunEvent;

public sealed record PullRequestClosed(bool Merged) : RunEvent
{
    public LockView Locks { get; init; } = LockView.Empty;

    /// <summary>Who merged or closed it.</summary>
    public string By { get; init; } = "unknown";

    /// <summary>The pull request as it was merged; needed to check on-merge apply requirements (null: no on-merge apply).</summary>
    public PullRequestFacts? Facts { get; init; }
}

/// <summary>Facts about the pull request the engine read from the VCS host just before deciding.</summary>
/// <param name="Undiverged">The branch is not behind its base.</param>
public sealed record PullRequestFacts(string HeadSha, string Author, bool? Mergeable, bool Undiverged);

/// <summary>
/// Who is acting, as the engine found out from the VCS host: their permission on the repository and which of the teams
/// the run's rules name they belong to. The decider needs no I/O to check eligibility.
/// </summary>
public sealed record Actor(string Login, RepoPermission Permission, IReadOnlyList<string> Teams);

/// <summary>
/// Holders of the project locks a decision may touch (the run's projects' and the pull request's own): lock key
/// (<see cref="Locks.LockKey"/>) → pull request number. Read under those keys' locks in the same transaction that
/// decides, so the decision cannot race another pull request.
/// </summary>
/// <param name="PullRequest">The run's own pull request number.</param>
public sealed record LockView(int PullRequest, IReadOnlyDictionary<string, int> Holders)
{
    public static readonly LockView Empty = new(0, new Dictionary<string, int>());

    /// <summary>The other pull request holding <paramref name="key"/>, or null when it is free or ours.</summary>
    public int? HeldByOther(string key) => Holders.TryGetValue(key, out var pr) && pr != PullRequest ? pr : null;

    public IEnumerable<string> HeldByUs => Holders.Where(h => h.Value == PullRequest).Select(h => h.Key);
}

/// <param name="Project">Null approves every project of the run.</param>
/// <param name="PlanSha256">Set for approval links: the plan hash the link was issued for.</param>
public sealed record ApprovalSubmitted(Actor Approver, ApprovalSource Source, string? Project, string? PlanSha256, DateTimeOffset At, PullRequestFacts Facts) : RunEvent
{
    public LockView Locks { get; init; } = LockView.Empty;

    /// <summary>For comments: when the approver wrote it. An approval binds to the plan that was posted by then.</summary>
    public DateTimeOffset? WrittenAt { get; init; }
}

/// <summary>The pull request is not trusted and nobody authorized its head commit: the run waits for a maintainer.</summary>
/// <param name="Reason">Why, and what a maintainer must do, for the comment.</param>
public sealed record AuthorizationRequired(string Reason) : RunEvent;

/// <summary><c>terraflow approve-policies [-p project]</c> by a policy owner.</summary>
public sealed record PolicyOverrideRequested(Actor By, string? Project, DateTimeOffset At, PullRequestFacts Facts) : RunEvent
{
    public LockView Locks { get; init; } = LockView.Empty;
}

public enum ApplyTriggerSource { Command, Approval, Merge }

/// <summary><c>terraflow apply [-p project]</c>; <paramref name="Project"/> null means every planned project with changes.</summary>
public sealed record ApplyRequested(Actor By, string? Project, PullRequestFacts Facts, LockView Locks) : RunEvent;

public sealed record ApplyFinished(ApplyOutcome Outcome) : RunEvent;

/// <summary><c>terraflow unlock [-p project]</c>.</summary>
public sealed record UnlockRequested(Actor By, string? Project) : RunEvent;

/// <summary>An operator takes the pull request out of the queue of <paramref name="Project"/>'s lock (console); it stops waiting.</summary>
public sealed record QueueCancelRequested(Actor By, string Project) : RunEvent;
