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

public sealed record SetCommitStatus(string ProjectName, CommitState State, string Description) : Effect;

/// <summary>The outcome of one decision: new state, effects, and the audit line that explains it.</summary>
public sealed record Decision(RunState State, IReadOnlyList<Effect> Effects, string AuditAction, string AuditDetail)
{
    public bool Changed { get; init; } = true;

    public static Decision Unchanged(RunState state, string why) => new(state, [], "ignored", why) { Changed = false };
}
