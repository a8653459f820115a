using System.Diagnostics;
using TerraFlow.Application.Jobs;
using TerraFlow.Application.Outbox;
using TerraFlow.Application.Workflow;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// One bounded pass of the engine's periodic work, for a Function App that may have been scaled to zero (the
/// <c>Timers</c> function runs it; while an instance is up, <see cref="EngineLoop"/> does the same continuously and
/// SKIP LOCKED keeps them apart). Order: expired leases first (they turn into inbox results), then due drift timers
/// (they write runs and jobs), then the inbox (which
/// writes outbox rows and jobs), then the outbox, then (with Service Bus as the job transport) queued jobs to the jobs
/// queue. A pass stops taking new items after its budget, well inside host.json's functionTimeout; the rest waits for
/// the next tick.
/// </summary>
internal static class EnginePass
{
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    public sealed record Result(int LeasesSwept, int InboxItems, int OutboxItems, bool BudgetExhausted, int JobsDispatched = 0, int ResultsReceived = 0,
        int DriftChecksStarted = 0);

    /// <summary>With the services of a built host; <see cref="JobDispatchLoop"/> and <see cref="JobResultPump"/> are
    /// registered only with Service Bus.</summary>
    public static Task<Result> RunAsync(IServiceProvider services, TimeSpan budget, CancellationToken ct) =>
        RunAsync(services.GetRequiredService<WorkflowEngine>(), services.GetRequiredService<OutboxDispatcher>(),
            services.GetRequiredService<ExpiredLeaseSweeper>(), budget, ct, services.GetService<JobDispatchLoop>(), services.GetService<JobResultPump>(),
            services.GetService<TerraFlow.Application.Drift.DriftScheduler>());

    public static async Task<Result> RunAsync(WorkflowEngine engine, OutboxDispatcher outbox, ExpiredLeaseSweeper sweeper, TimeSpan budget, CancellationToken ct,
        JobDispatchLoop? jobs = null, JobResultPump? results = null, TerraFlow.Application.Drift.DriftScheduler? drift = null)
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
        // Due drift timers become runs and jobs (claimed and advanced once across every host, see DriftScheduler).
        var driftStarted = 0;
        while (drift is not null && clock.Elapsed < budget && (batch = await drift.RunDueAsync(ct)) > 0) driftStarted += batch;
        // With Service Bus: results waiting on the results queue (no instance was warm to receive them) into the inbox.
        var received = results is null || clock.Elapsed >= budget ? 0 : await results.DrainAsync(budget - clock.Elapsed, ct);
        var inbox = await DrainAsync(engine.ProcessNextAsync, clock, budget, ct);
        var sent = await DrainAsync(outbox.DispatchNextAsync, clock, budget, ct);
        var dispatched = 0;
        while (jobs is not null && clock.Elapsed < budget && (batch = await jobs.DispatchBatchAsync(ct)) > 0) dispatched += batch;
        return new Result(swept, inbox, sent, clock.Elapsed >= budget, dispatched, received, driftStarted);
    }

    private static async Task<int> DrainAsync(Func<CancellationToken, Task<bool>> step, Stopwatch clock, TimeSpan budget, CancellationToken ct)
    {
        var count = 0;
        while (clock.Elapsed < budget && await step(ct)) count++;
        return count;
    }
}
