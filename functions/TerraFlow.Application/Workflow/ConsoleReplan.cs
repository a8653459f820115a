using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;

namespace TerraFlow.Application.Workflow;

/// <summary>The outcome of an operator's re-plan from the console.</summary>
public enum ReplanOutcome
{
    /// <summary>Queued as a <c>terraflow plan</c> command of the operator: the engine decides it like the comment.</summary>
    Queued,

    /// <summary>The run does not exist.</summary>
    NotFound,

    /// <summary>The run is not of a pull request (a drift check or a manual run): there is nothing to plan again.</summary>
    NotPullRequest,

    /// <summary>The pull request is closed or merged.</summary>
    Closed,
}

/// <summary>
/// An operator re-planning a pull request's run (one project or all) from the console: the same
/// <see cref="PlanCommandReceived"/> inbox message a <c>terraflow plan [-p project]</c> comment by that operator queues,
/// so <see cref="PlanCommandHandler"/> checks the operator's write permission on the VCS host, authorizes a fork's head
/// and starts the run exactly as for the comment. The audit event names the console. The caller has checked that the
/// user may operate the repository. A project name is not checked against this run: the pull request's newest
/// discovery decides it (an unknown one is answered on the pull request), as for the comment.
/// </summary>
public sealed class ConsoleReplan(IWorkflowStore store, IVcsClients vcs, TimeProvider time)
{
    public async Task<ReplanOutcome> ReplanAsync(long runId, string? project, string actorLogin, string auditActor, CancellationToken ct)
    {
        if (await store.LoadRunSnapshotAsync(runId, ct) is not { } run) return ReplanOutcome.NotFound;
        var context = run.Context;
        if (context.PullRequestNumber <= 0) return ReplanOutcome.NotPullRequest;
        // Asked up front so the operator gets the reason; the plan handler asks again when it decides.
        var pr = await vcs.For(context.Provider).GetPullRequestAsync(context.Repo, context.PullRequestNumber, ct);
        if (!pr.Open) return ReplanOutcome.Closed;

        var target = new PullRequestAddress(context.Provider, context.Repo, context.PullRequestNumber);
        // A delivery id of its own: the inbox row, replies and audit events of this request are keyed by it, as a
        // comment's are by its webhook delivery.
        var deliveryId = "console:" + Guid.NewGuid().ToString("N");
        await using var tx = await store.BeginAsync(ct);
        tx.Inbox.Add(new PlanCommandReceived(target, project, actorLogin, deliveryId, deliveryId, time.GetUtcNow()));
        tx.Audit.Add(runId, auditActor, "command-plan", $"{target}: terraflow plan{(project is null ? "" : " -p " + project)} (console)", deliveryId);
        await tx.CommitAsync(ct);
        return ReplanOutcome.Queued;
    }
}
