using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Ports;

/// <summary>Runs and their project runs, inside a <see cref="IWorkflowTransaction"/>.</summary>
public interface IRunStore
{
    /// <summary>
    /// Loads a run and its project runs; with <paramref name="forUpdate"/> the run stays locked until the transaction
    /// ends. With <paramref name="lockKeys"/> it also takes the project locks' advisory locks (the given keys, the run's
    /// projects' keys and every key its pull request holds) and reads their holders into <see cref="StoredRun.Locks"/>.
    /// With <paramref name="previousPlans"/> it also reads <see cref="StoredRun.PreviousPlans"/>: project name → the
    /// pull request's latest result for that project in an older run (whatever its status), for smart re-plans.
    /// All of it is one round trip.
    /// </summary>
    Task<StoredRun?> LoadAsync(long runId, bool forUpdate, CancellationToken ct, IReadOnlyCollection<string>? lockKeys = null, bool previousPlans = false);

    /// <summary>The project a run was asked for (<c>terraflow plan -p</c>), or null for all affected projects.</summary>
    Task<string?> RequestedProjectAsync(long runId, CancellationToken ct);

    /// <summary>Inserts the run and returns its id with the pull request's open runs it supersedes, oldest first.</summary>
    Task<(long RunId, IReadOnlyList<long> Superseded)> InsertSupersedingAsync(NewRun run, CancellationToken ct);

    /// <summary>Ids of the pull request's runs that a push would supersede, oldest first.</summary>
    Task<IReadOnlyList<long>> OpenRunIdsAsync(PullRequestAddress pullRequest, CancellationToken ct);

    /// <summary>The pull request's newest run (whatever its status), or null.</summary>
    Task<long?> LatestRunIdAsync(PullRequestAddress pullRequest, CancellationToken ct);

    /// <summary>
    /// Writes a decision of the run state machine: new state, jobs, locks, outbox and audit rows. When the decision
    /// starts an apply whose plan already has one (the one-apply-per-plan key), nothing of the decision is written and
    /// the result says so (<see cref="DecisionWrite.ApplyAlreadyRecorded"/>); the transaction stays usable.
    /// </summary>
    Task<DecisionWrite> WriteDecisionAsync(StoredRun run, Decision decision, string actor, string? deliveryId, CancellationToken ct);

    /// <summary>Marks the run as planned without credentials (collected write).</summary>
    void MarkUntrusted(long runId);
}

/// <summary>A run to create for a pull request.</summary>
/// <param name="PullRequest">For a pull-request run its pull request; otherwise the repository and commits to plan
/// (<see cref="TerraFlow.Core.Vcs.PullRequestInfo.Number"/> is ignored and stored as null).</param>
public sealed record NewRun(string Provider, TerraFlow.Core.Vcs.PullRequestInfo PullRequest, string? RequestedProject, bool Explicit, string OperationId)
{
    /// <summary>What started the run (<c>runs.trigger_kind</c>); pull request unless said otherwise.</summary>
    public RunTrigger Trigger { get; init; } = RunTrigger.PullRequest;
}

/// <summary>What became of a decision handed to <see cref="IRunStore.WriteDecisionAsync"/>.</summary>
public abstract record DecisionWrite
{
    public static readonly DecisionWrite Written = new WrittenResult();

    private DecisionWrite() { }

    private sealed record WrittenResult : DecisionWrite;

    /// <summary>The store already holds an apply for these projects' plans: the decision was not written.</summary>
    public sealed record ApplyAlreadyRecorded(IReadOnlyList<string> Projects) : DecisionWrite;
}
