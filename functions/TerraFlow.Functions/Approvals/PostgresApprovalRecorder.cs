using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Approvals;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// Records approval-link approvals through the run workflow. The link's token id is spent in the same transaction
/// that records the approval, so of many concurrent confirmations exactly one approves; a refusal rolls everything
/// back (the token stays unspent and nothing changes).
/// </summary>
public sealed class PostgresApprovalRecorder(NpgsqlDataSource db, PullRequestFactsReader facts, TimeProvider time) : IApprovalRecorder
{
    public async Task<ApprovalPreview?> PreviewAsync(ApprovalClaims claims, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var run = await RunRepository.LoadAsync(conn, null, claims.RunId, forUpdate: false, ct);
        if (run is null) return null;
        var project = run.State.FindProject(claims.Project);
        var counts = project?.Plan?.Counts;
        var summary = counts is null ? "no plan" : $"{counts.Add} to add, {counts.Change} to change, {counts.Destroy} to destroy, {counts.Replace} to replace";
        var problem = await ProblemAsync(conn, run, claims, ct);
        return new ApprovalPreview(run.Context.Repo.FullName, run.Context.PullRequestNumber, claims.Project, run.Context.HeadSha, summary, problem)
        {
            Provider = run.Context.Provider,
        };
    }

    public async Task<ApprovalRecordResult> RecordAsync(ApprovalClaims claims, string approverLogin, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var snapshot = await RunRepository.LoadAsync(conn, null, claims.RunId, forUpdate: false, ct);
        if (snapshot is null) return new(false, 404, "This approval link names a run that does not exist.");
        if (await ProblemAsync(conn, snapshot, claims, ct) is { } problem) return new(false, 409, problem);

        // Eligibility is checked against the VCS host before any write, so an ineligible approver changes nothing.
        var repo = snapshot.Context.Repo;
        var actor = await facts.ReadActorAsync(snapshot.Context.Provider, repo, approverLogin, snapshot.State, ct);
        var pr = await facts.ReadPullRequestAsync(snapshot.Context.Provider, repo, snapshot.Context.PullRequestNumber, ct);
        var project = snapshot.State.FindProject(claims.Project)!;
        var asApproval = new Approval(actor.Login, ApprovalSource.Link, time.GetUtcNow()) { Permission = actor.Permission, Teams = actor.Teams };
        if (Eligibility.WhyNotApprover(asApproval, project, pr.Author) is { } why) return new(false, 403, $"Not approved: {why}.");

        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var spend = new NpgsqlCommand(
            "insert into approval_tokens_used (token_id, run_id, project, approver) values ($1, $2, $3, $4) on conflict do nothing", conn, tx))
        {
            spend.Parameters.AddWithValue(claims.TokenId);
            spend.Parameters.AddWithValue(claims.RunId);
            spend.Parameters.AddWithValue(claims.Project);
            spend.Parameters.AddWithValue(approverLogin);
            if (await spend.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return new(false, 409, "This approval link was already used.");
            }
        }
        var ev = new ApprovalSubmitted(actor, ApprovalSource.Link, claims.Project, claims.PlanSha256, time.GetUtcNow(), pr);
        var work = PostgresWorkflowTransaction.Over(conn, tx);
        var decided = await RunTransitions.DecideAsync(work, claims.RunId, ev, approverLogin, null, ct);
        var after = decided?.Decision.State.FindProject(claims.Project);
        var approved = after is not null && after.Approvals.Count > project.Approvals.Count
            && after.Approvals.Any(a => a.Source == ApprovalSource.Link && string.Equals(a.User, approverLogin, StringComparison.OrdinalIgnoreCase));
        if (!approved)
        {
            await tx.RollbackAsync(ct);
            return new(false, 409, "Not approved: " + (decided?.Decision.AuditDetail ?? "the run does not exist"));
        }
        await work.CommitAsync(ct);
        return new(true, 200, $"Approved `{claims.Project}` as @{approverLogin}.");
    }

    /// <summary>Why the link can no longer approve, read without locks (the transaction re-checks everything).</summary>
    private static async Task<string?> ProblemAsync(NpgsqlConnection conn, StoredRun run, ApprovalClaims claims, CancellationToken ct)
    {
        await using (var used = new NpgsqlCommand("select approver from approval_tokens_used where token_id = $1", conn))
        {
            used.Parameters.AddWithValue(claims.TokenId);
            if (await used.ExecuteScalarAsync(ct) is string by) return $"This approval link was already used (by @{by}).";
        }
        if (run.State.Status == RunStatus.Superseded) return "A newer push replaced this plan; approve the new plan from its comment.";
        if (run.State.Status == RunStatus.Closed) return "The pull request is closed.";
        var project = run.State.FindProject(claims.Project);
        if (project is null) return $"The run has no project `{claims.Project}`.";
        if (!string.Equals(project.PlanFileSha256, claims.PlanSha256, StringComparison.OrdinalIgnoreCase))
            return "The plan changed after this link was issued; approve the current plan from its comment.";
        if (project.Status != ProjectRunStatus.Planned)
            return $"`{claims.Project}` is not waiting for approval (it is {project.Status}).";
        return null;
    }
}
