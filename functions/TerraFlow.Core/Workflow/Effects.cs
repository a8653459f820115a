using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Core.Workflow;

/// <summary>
/// A side effect the decider asks for. The store writes effects in the same transaction as the new state:
/// job effects straight into the job queue, VCS effects into the outbox (dispatched later, with retries).
/// </summary>
public abstract record Effect;

public sealed record EnqueuePlan(ProjectDefinition Project) : Effect;

/// <summary>Cancel every job of the run that has not finished (a running plan notices through its lease).</summary>
public sealed record CancelJobs : Effect;

/// <summary>Create or edit the run's PR comment so that it shows the current state.</summary>
public sealed record SyncComment : Effect;

public enum StatusKind { Plan, Policy, Apply }

public sealed record SetCommitStatus(string ProjectName, CommitState State, string Description) : Effect
{
    public StatusKind Kind { get; init; } = StatusKind.Plan;
}

/// <summary>Queue the apply of exactly the stored plan whose hash is <paramref name="PlanSha256"/>.</summary>
public sealed record EnqueueApply(ProjectDefinition Project, string PlanSha256, PlanArtifactsRef Artifacts) : Effect;

/// <summary>Take the project's lock for this pull request (the decider saw it free in its <see cref="LockView"/>).</summary>
public sealed record AcquireLock(ProjectDefinition Project) : Effect;

/// <summary>Join the FIFO queue of the project's lock; the pull request is re-planned when the lock reaches it.</summary>
public sealed record QueueForLock(ProjectDefinition Project) : Effect;

/// <summary>Release this pull request's locks (all of them, and its places in lock queues, when <paramref name="Keys"/> is
/// null) and hand each freed lock to the next pull request in its queue, which is re-planned.</summary>
public sealed record ReleaseLocks(IReadOnlyList<string>? Keys) : Effect
{
    /// <summary>Also leave the lock queues of <see cref="Keys"/> (every queue when null: the pull request is merged or closed and wants nothing any more).</summary>
    public bool LeaveQueues { get; init; }
}

/// <summary>Post a new comment on the pull request (acknowledgements, refusals, warnings).</summary>
public sealed record PostReply(string Body) : Effect;

/// <summary>The outcome of one decision: new state, effects, and the audit line that explains it.</summary>
public sealed record Decision(RunState State, IReadOnlyList<Effect> Effects, string AuditAction, string AuditDetail)
{
    public bool Changed { get; init; } = true;

    public static Decision Unchanged(RunState state, string why) => new(state, [], "ignored", why) { Changed = false };
}
