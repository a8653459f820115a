using Microsoft.Extensions.Logging;
using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Application.Workflow;

/// <summary>
/// Processes the workflow inbox, one item per unit of work. An item that needs nothing from the VCS host (a job
/// result) is claimed, decided and written in one transaction. One that needs facts from the host (commands, reviews,
/// trust checks) is claimed and leased in a first short transaction, its facts are read with no transaction open, and a
/// second transaction takes the lease back, re-checks what the facts were read for and decides. A crash anywhere
/// leaves the item unprocessed; the next engine picks it up again (after the lease, for a leased one).
/// </summary>
public sealed class WorkflowEngine(IWorkflowStore store, LifecycleCommandHandler lifecycle, PlanCommandHandler plans, TrustCheckHandler trust, ILogger<WorkflowEngine> logger,
    Drift.DriftResultHandler? drift = null)
{
    private const int MaxAttempts = 10;

    /// <summary>How often the facts are read again when what they were read for changed before the decision.</summary>
    private const int MaxFactReads = 3;

    /// <summary>How long a leased item stays away from other engines while its facts are read.</summary>
    public static readonly TimeSpan FactsLease = TimeSpan.FromSeconds(30);

    /// <summary>Processes one due inbox item; false when there is none.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken ct)
    {
        InboxLease lease;
        await using (var tx = await store.BeginAsync(ct))
        {
            // Items that need facts are leased by the claim itself: one round trip, then the commit.
            var item = await tx.Inbox.ClaimNextAsync(FactsLease, ct);
            if (item is null) return false;
            if (StepWithoutFacts(item.Message) is { } step)
            {
                await RunAsync(tx, item, step, ct);
                await tx.CommitAsync(ct);
                return true;
            }
            lease = item.LeasedUntil is { } until ? new InboxLease(item, until) : await tx.Inbox.LeaseAsync(item, FactsLease, ct);
            await tx.CommitAsync(ct);
        }
        try
        {
            await ProcessWithFactsAsync(lease, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host stops: hand the item back now rather than when the lease runs out.
            await ReleaseAsync(lease);
            throw;
        }
        return true;
    }

    private async Task ReleaseAsync(InboxLease lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var tx = await store.BeginAsync(timeout.Token);
            await tx.Inbox.ReleaseAsync(lease, timeout.Token);
            await tx.CommitAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            // The lease then simply runs out.
            logger.LogWarning(ex, "Could not give back inbox item {Id}", lease.Item.Id);
        }
    }

    private async Task ProcessWithFactsAsync(InboxLease lease, CancellationToken ct)
    {
        var item = lease.Item;
        for (var read = 1; ; read++)
        {
            WorkflowStep? step = null;
            Exception? failure = null;
            try
            {
                step = await PrepareAsync(item.Message, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
            }

            await using var tx = await store.BeginAsync(ct);
            // The lock on the item goes out with the step's first read (one round trip fewer). The step may run before
            // the lock's outcome is known, but nothing is committed or recorded before it is checked below: an item
            // another engine took over is rolled back whole, as if the step had not run.
            tx.Inbox.Reclaim(lease);
            var outcome = StepOutcome.Done;
            if (step is not null)
            {
                try
                {
                    outcome = await step(tx, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                }
            }
            if (!await tx.Inbox.ReclaimedAsync(ct))
            {
                logger.LogWarning("Inbox item {Id} ({Kind}) was taken over by another engine while its facts were read", item.Id, item.Kind);
                return;
            }
            if (step is not null && failure is null)
            {
                try
                {
                    if (outcome == StepOutcome.FactsChanged)
                    {
                        if (read < MaxFactReads)
                        {
                            await tx.RollbackAsync(ct);
                            continue;
                        }
                        throw new InvalidOperationException($"the pull request changed while its facts were read ({read} times)");
                    }
                    tx.Inbox.MarkProcessed(item.Id);
                    await tx.FlushAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                }
            }
            if (failure is not null) await RecordFailureAsync(tx, item, failure, ct);
            await tx.CommitAsync(ct);
            return;
        }
    }

    private async Task RunAsync(IWorkflowTransaction tx, ClaimedInboxItem item, WorkflowStep step, CancellationToken ct)
    {
        try
        {
            await step(tx, ct);
            tx.Inbox.MarkProcessed(item.Id);
            // Sent here, not at the commit: a failing write is then this item's failure, recorded below.
            await tx.FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await RecordFailureAsync(tx, item, ex, ct);
        }
    }

    private async Task RecordFailureAsync(IWorkflowTransaction tx, ClaimedInboxItem item, Exception ex, CancellationToken ct)
    {
        // A poison item (too many attempts, or refused by the VCS host) is given up on and stays recorded.
        var giveUp = item.Attempts + 1 >= MaxAttempts || ex is VcsPermanentException;
        logger.LogError(ex, "Inbox item {Id} ({Kind}) failed on attempt {Attempt}{GiveUp}", item.Id, item.Kind, item.Attempts + 1, giveUp ? "; giving up" : "");
        await tx.Inbox.RecordFailureAsync(item.Id, ex.Message, giveUp, ct);
    }

    /// <summary>The step of a message that needs no facts from the VCS host, or null.</summary>
    private WorkflowStep? StepWithoutFacts(InboxMessage message) => message switch
    {
        // Drift checks are not pull-request runs: their results go to the drift tables (their own transaction,
        // idempotent per run), never through the run state machine.
        JobResultReceived { Result.Kind: JobKinds.Drift } d => async (_, ct) =>
        {
            await (drift ?? throw new InvalidOperationException("drift results need a DriftResultHandler")).RecordAsync(d.Result, ct);
            return StepOutcome.Done;
        },
        JobResultReceived r => async (tx, ct) =>
        {
            await RunTransitions.ApplyAsync(tx, r.Result.RunId, ResultEvent(r.Result), "runner", null, ct);
            return StepOutcome.Done;
        },
        UnreadableInboxMessage u => (_, _) => throw new InvalidOperationException(u.Problem),
        _ => null,
    };

    private Task<WorkflowStep> PrepareAsync(InboxMessage message, CancellationToken ct) => message switch
    {
        LifecycleCommandReceived c => lifecycle.PrepareCommandAsync(c, ct),
        ReviewReceived r => lifecycle.PrepareReviewAsync(r, ct),
        PlanCommandReceived p => plans.PrepareAsync(p, ct),
        ReplanRequested r => plans.PrepareAsync(r, ct),
        TrustCheckRequested t => trust.PrepareAsync(t, ct),
        _ => throw new InvalidOperationException($"no handler for inbox message {message.GetType().Name}"),
    };

    private static RunEvent ResultEvent(JobResult result) =>
        result.Discovery is { } d ? new DiscoveryFinished(d)
        : result.Plan is { } p ? new PlanFinished(p)
        : result.Apply is { } a ? new ApplyFinished(a)
        : throw new InvalidOperationException($"job result {result.JobId} carries no outcome");
}
