using TerraFlow.Application.Ports;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Approvals;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Approvals;

/// <summary>
/// Records approval-link approvals through the run workflow. The run and the approver's standing on the VCS host are
/// read first, with no transaction open; then one transaction spends the link's token id and decides the approval,
/// so of many concurrent confirmations exactly one approves; a refusal rolls everything back (the token stays
/// unspent and nothing changes).
/// </summary>
public sealed class ApprovalRecorder(IWorkflowStore store, PullRequestFactsReader facts, TimeProvider time) : IApprovalRecorder
{
    public async Task<ApprovalPreview?> PreviewAsync(ApprovalClaims claims, CancellationToken ct)
    {
        var run = await store.LoadRunSnapshotAsync(claims.RunId, ct);
        if (run is null) return null;
        var project = run.State.FindProject(claims.Project);
        var counts = project?.Plan?.Counts;
        var summary = counts is null ? "no plan" : $"{counts.Add} to add, {counts.Change} to change, {counts.Destroy} to destroy, {counts.Replace} to replace";
        var problem = await ProblemAsync(run, claims, ct);
        return new ApprovalPreview(run.Context.Repo.FullName, run.Context.PullRequestNumber, claims.Project, run.Context.HeadSha, summary, problem)
        {
            Provider = run.Context.Provider,
        };
    }

    public async Task<ApprovalRecordResult> RecordAsync(ApprovalClaims claims, string approverLogin, CancellationToken ct)
    {
        var snapshot = await store.LoadRunSnapshotAsync(claims.RunId, ct);
        if (snapshot is null) return new(false, 404, "This approval link names a run that does not exist.");
        if (await ProblemAsync(snapshot, claims, ct) is { } problem) return new(false, 409, problem);

        // Eligibility is checked against the VCS host before any write, so an ineligible approver changes nothing.
        var repo = snapshot.Context.Repo;
        var actor = await facts.ReadActorAsync(snapshot.Context.Provider, repo, approverLogin, snapshot.State, ct);
        var pr = await facts.ReadPullRequestAsync(snapshot.Context.Provider, repo, snapshot.Context.PullRequestNumber, ct);
        var project = snapshot.State.FindProject(claims.Project)!;
        var asApproval = new Approval(actor.Login, ApprovalSource.Link, time.GetUtcNow()) { Permission = actor.Permission, Teams = actor.Teams };
        if (Eligibility.WhyNotApprover(asApproval, project, pr.Author) is { } why) return new(false, 403, $"Not approved: {why}.");

        await using var work = await store.BeginAsync(ct);
        if (!await work.ApprovalTokens.TrySpendAsync(claims.TokenId, claims.RunId, claims.Project, approverLogin, ct))
        {
            await work.RollbackAsync(ct);
            return new(false, 409, "This approval link was already used.");
        }
        // The workflow re-checks everything the snapshot was read for (superseded, closed, plan hash) on the locked run.
        var ev = new ApprovalSubmitted(actor, ApprovalSource.Link, claims.Project, claims.PlanSha256, time.GetUtcNow(), pr);
        var decided = await RunTransitions.DecideAsync(work, claims.RunId, ev, approverLogin, null, ct);
        var after = decided?.Decision.State.FindProject(claims.Project);
        var approved = after is not null && after.Approvals.Count > project.Approvals.Count
            && after.Approvals.Any(a => a.Source == ApprovalSource.Link && string.Equals(a.User, approverLogin, StringComparison.OrdinalIgnoreCase));
        if (!approved)
        {
            await work.RollbackAsync(ct);
            return new(false, 409, "Not approved: " + (decided?.Decision.AuditDetail ?? "the run does not exist"));
        }
        await work.CommitAsync(ct);
        return new(true, 200, $"Approved `{claims.Project}` as @{approverLogin}.");
    }

    /// <summary>Why the link can no longer approve, read without locks (the transaction re-checks everything).</summary>
    private async Task<string?> ProblemAsync(StoredRun run, ApprovalClaims claims, CancellationToken ct)
    {
        if (await store.ApprovalTokenSpentByAsync(claims.TokenId, ct) is { } by) return $"This approval link was already used (by @{by}).";
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
