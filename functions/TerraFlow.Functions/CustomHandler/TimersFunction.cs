using System.Diagnostics;
using TerraFlow.Application.Workflow;
using TerraFlow.Functions.Engine;
using TerraFlow.Application.Outbox;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// <c>Timers</c>: one pass of the engine's periodic work, for a Function App that may have been scaled to zero
/// (while an instance runs, <see cref="EngineLoop"/> does the same continuously; SKIP LOCKED keeps them apart).
/// Order: expired leases first (they turn into inbox results), then the inbox (which writes outbox rows and jobs),
/// then the outbox, then (with Service Bus as the job transport) queued jobs to the jobs queue. A pass stops taking
/// new items after <see cref="Budget"/>, well inside host.json's functionTimeout; the rest waits for the next tick.
/// </summary>
internal static class TimersFunction
{
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    public sealed record PassResult(int LeasesSwept, int InboxItems, int OutboxItems, bool BudgetExhausted, int JobsDispatched = 0, int ResultsReceived = 0);

    public static async Task<PassResult> RunPassAsync(WorkflowEngine engine, OutboxDispatcher outbox, ExpiredLeaseSweeper sweeper, TimeSpan budget, CancellationToken ct, JobDispatchLoop? jobs = null, JobResultPump? results = null)
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
        // With Service Bus: results waiting on the results queue (no instance was warm to receive them) into the inbox.
        var received = results is null || clock.Elapsed >= budget ? 0 : await results.DrainAsync(budget - clock.Elapsed, ct);
        var inbox = await DrainAsync(engine.ProcessNextAsync, clock, budget, ct);
        var sent = await DrainAsync(outbox.DispatchNextAsync, clock, budget, ct);
        var dispatched = 0;
        while (jobs is not null && clock.Elapsed < budget && (batch = await jobs.DispatchBatchAsync(ct)) > 0) dispatched += batch;
        return new PassResult(swept, inbox, sent, clock.Elapsed >= budget, dispatched, received);
    }

    public static async Task<IResult> InvokeAsync(HttpContext http, WorkflowEngine engine, OutboxDispatcher outbox, ExpiredLeaseSweeper sweeper, ILogger<PassResult> logger, CancellationToken ct)
    {
        // Data.timer carries the schedule status (IsPastDue, Last/Next); a pass does the same work either way.
        // Registered only when TerraFlow:ServiceBus is configured; otherwise runners take jobs from PostgreSQL directly.
        var jobs = http.RequestServices.GetService<JobDispatchLoop>();
        var pass = await RunPassAsync(engine, outbox, sweeper, Budget, ct, jobs, http.RequestServices.GetService<JobResultPump>());
        var log = $"leases swept: {pass.LeasesSwept}, inbox items: {pass.InboxItems}, outbox items: {pass.OutboxItems}"
                  + (jobs is null ? "" : $", results received from Service Bus: {pass.ResultsReceived}, jobs sent to Service Bus: {pass.JobsDispatched}")
                  + (pass.BudgetExhausted ? " (time budget used up; the rest waits for the next tick)" : "");
        logger.LogInformation("Timers: {Log}", log);
        return InvocationResponse.Ok([log], new { leasesSwept = pass.LeasesSwept, inboxItems = pass.InboxItems, outboxItems = pass.OutboxItems, jobsDispatched = pass.JobsDispatched, resultsReceived = pass.ResultsReceived, budgetExhausted = pass.BudgetExhausted });
    }

    private static async Task<int> DrainAsync(Func<CancellationToken, Task<bool>> step, Stopwatch clock, TimeSpan budget, CancellationToken ct)
    {
        var count = 0;
        while (clock.Elapsed < budget && await step(ct)) count++;
        return count;
    }
}
