using System.Diagnostics;
using TerraFlow.Functions.Engine;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// <c>Timers</c>: one pass of the engine's periodic work, for a Function App that may have been scaled to zero
/// (while an instance runs, <see cref="EngineLoop"/> does the same continuously; SKIP LOCKED keeps them apart).
/// Order: expired leases first (they turn into inbox results), then the inbox (which writes outbox rows), then the
/// outbox. A pass stops taking new items after <see cref="Budget"/>, well inside host.json's functionTimeout; the
/// rest waits for the next tick.
/// </summary>
public static class TimersFunction
{
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    public sealed record PassResult(int LeasesSwept, int InboxItems, int OutboxItems, bool BudgetExhausted);

    public static async Task<PassResult> RunPassAsync(WorkflowEngine engine, OutboxDispatcher outbox, ExpiredLeaseSweeper sweeper, TimeSpan budget, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var swept = 0;
        int batch;
        do
        {
            batch = await sweeper.SweepAsync(ct); // up to 100 jobs per call
            swept += batch;
        }
        while (batch > 0 && clock.Elapsed < budget);
        var inbox = await DrainAsync(engine.ProcessNextAsync, clock, budget, ct);
        var sent = await DrainAsync(outbox.DispatchNextAsync, clock, budget, ct);
        return new PassResult(swept, inbox, sent, clock.Elapsed >= budget);
    }

    public static async Task<IResult> InvokeAsync(HttpContext http, WorkflowEngine engine, OutboxDispatcher outbox, ExpiredLeaseSweeper sweeper, ILogger<PassResult> logger, CancellationToken ct)
    {
        // Data.timer carries the schedule status (IsPastDue, Last/Next); a pass does the same work either way.
        var pass = await RunPassAsync(engine, outbox, sweeper, Budget, ct);
        var log = $"leases swept: {pass.LeasesSwept}, inbox items: {pass.InboxItems}, outbox items: {pass.OutboxItems}"
                  + (pass.BudgetExhausted ? " (time budget used up; the rest waits for the next tick)" : "");
        logger.LogInformation("Timers: {Log}", log);
        return InvocationResponse.Ok([log], new { leasesSwept = pass.LeasesSwept, inboxItems = pass.InboxItems, outboxItems = pass.OutboxItems, budgetExhausted = pass.BudgetExhausted });
    }

    private static async Task<int> DrainAsync(Func<CancellationToken, Task<bool>> step, Stopwatch clock, TimeSpan budget, CancellationToken ct)
    {
        var count = 0;
        while (clock.Elapsed < budget && await step(ct)) count++;
        return count;
    }
}
