using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// The transactional steps shared by webhook intake and the engine: start a run (superseding older ones) and
/// apply an event to a locked run. Each runs inside the caller's transaction.
/// </summary>
public static class RunTransitions
{
    /// <summary>
    /// Creates a run with its discover job and supersedes the pull request's older runs. The job and audit rows go
    /// into <paramref name="tail"/>, which the caller sends with its own last writes (one round trip fewer).
    /// </summary>
    /// <param name="cloneUrls">A clone URL it refuses (not on the provider's configured host) fails the run at once,
    /// with the reason in its comment: no job is queued, so no runner ever fetches a token for that URL.</param>
    public static async Task<long> StartRunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRepository.NewRun run, string actor, string? deliveryId, SqlBatch tail, CloneUrlPolicy cloneUrls, CancellationToken ct)
    {
        var pr = run.PullRequest;
        var (runId, older) = await RunRepository.InsertSupersedingAsync(conn, tx, run, ct);
        foreach (var olderId in older)
            await ApplyAsync(conn, tx, olderId, new RunSuperseded(pr.HeadSha), actor, deliveryId, ct);

        var context = new RunContext(runId, run.Provider, pr.Repo, pr.Number, pr.HeadSha, pr.BaseSha, pr.CloneUrl, run.OperationId);
        var what = run.RequestedProject is null ? "plan" : $"plan -p {run.RequestedProject}";
        AuditLog.Add(tail, runId, actor, "run-created", $"{what} for {pr.Repo}#{pr.Number} at {pr.HeadSha}", deliveryId);
        if (cloneUrls.Refusal(run.Provider, pr.CloneUrl, pr.Repo.Owner, pr.Repo.Name) is { } refusal)
        {
            var failed = new DiscoveryOutcome(false, null, "Refused to clone: " + refusal, [], []);
            await ApplyAsync(conn, tx, runId, new DiscoveryFinished(failed), actor, deliveryId, ct);
            return runId;
        }
        JobRepository.Add(tail, DecisionWriter.DiscoverJob(context));
        return runId;
    }

    /// <summary>Locks the run, lets the state machine decide, writes the decision. Returns false when the run does not exist.</summary>
    public static async Task<bool> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, RunEvent ev, string actor, string? deliveryId, CancellationToken ct) =>
        await DecideAsync(conn, tx, runId, ev, actor, deliveryId, ct) is not null;

    /// <summary>Like <see cref="ApplyAsync"/>, returning the run before and the decision (null when the run does not exist).</summary>
    public static async Task<(StoredRun Before, Decision Decision)?> DecideAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, RunEvent ev, string actor, string? deliveryId, CancellationToken ct)
    {
        // Plan results and supersedes never touch locks; everything else may, and then decides holding the advisory
        // locks of the project locks involved, with their current holders.
        var lockKeys = ev switch
        {
            PlanFinished or RunSuperseded => null,
            // Discovery may lock the projects it plans; the run has no projects yet, so name them.
            DiscoveryFinished d => await DiscoveryLockKeysAsync(conn, tx, runId, d.Outcome, ct),
            _ => (IReadOnlyCollection<string>)[],
        };
        var run = await RunRepository.LoadAsync(conn, tx, runId, forUpdate: true, ct, lockKeys);
        if (run is null) return null;
        ev = ev switch
        {
            DiscoveryFinished d => d with { Locks = run.Locks },
            ApprovalSubmitted a => a with { Locks = run.Locks },
            ApplyRequested r => r with { Locks = run.Locks },
            PolicyOverrideRequested o => o with { Locks = run.Locks },
            PullRequestClosed c => c with { Locks = run.Locks },
            _ => ev,
        };
        var decision = RunWorkflow.Decide(run.State, ev);
        await DecisionWriter.WriteAsync(conn, tx, run, decision, actor, deliveryId, ct);
        return (run, decision);
    }

    /// <summary>The lock keys of the projects a discovery may plan: the affected ones, or the one a command named.</summary>
    private static async Task<IReadOnlyCollection<string>> DiscoveryLockKeysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, DiscoveryOutcome outcome, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select requested_project from runs where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(runId);
        var requested = await cmd.ExecuteScalarAsync(ct) as string;
        return outcome.AllProjects
            .Where(p => requested is null ? outcome.AffectedProjects.Contains(p.Name) : p.Name == requested)
            .Select(LockKey.For).ToList();
    }

    public static async Task CloseRunsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, PullRequestInfo pr, string actor, string? deliveryId, CancellationToken ct)
    {
        // Undiverged/mergeable mean nothing after a merge; the facts carry the author for approval counting.
        var closed = new PullRequestClosed(pr.Merged) { By = actor, Facts = new PullRequestFacts(pr.HeadSha, pr.Author, true, true) };
        foreach (var activeId in await RunRepository.ActiveRunIdsAsync(conn, tx, provider, pr.Repo, pr.Number, ct))
            await ApplyAsync(conn, tx, activeId, closed, actor, deliveryId, ct);
    }
}
