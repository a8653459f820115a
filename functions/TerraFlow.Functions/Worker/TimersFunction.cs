using Microsoft.Azure.Functions.Worker;
using TerraFlow.Functions.Engine;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// <c>Timers</c>: every minute, one bounded <see cref="EnginePass"/> (expired leases, inbox, outbox, and with Service
/// Bus the queued jobs). This is what wakes an app scaled to zero for due timers and stuck work; while an instance is
/// up its engine loops do the same continuously.
/// </summary>
public sealed class TimersFunction(IServiceProvider services, ILogger<TimersFunction> logger)
{
    /// <summary>NCRONTAB with seconds: every minute.</summary>
    public const string Schedule = "0 * * * * *";

    // Docs advise against RunOnStartup in production (every scale-out would run it); UseMonitor keeps the schedule
    // across restarts so a missed tick runs once (IsPastDue) instead of never.
    [Function("Timers")]
    public async Task RunAsync([TimerTrigger(Schedule, RunOnStartup = false, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        var jobs = services.GetService<JobDispatchLoop>() is not null;
        var pass = await EnginePass.RunAsync(services, EnginePass.Budget, ct);
        logger.LogInformation(
            "Timers (past due: {PastDue}): leases swept {Leases}, drift checks started {Drift}, inbox items {Inbox}, outbox items {Outbox}{Jobs}{Budget}",
            timer.IsPastDue, pass.LeasesSwept, pass.DriftChecksStarted, pass.InboxItems, pass.OutboxItems,
            jobs ? $", jobs sent to Service Bus {pass.JobsDispatched}" : "",
            pass.BudgetExhausted ? " (time budget used up; the rest waits for the next tick)" : "");
        LastPass = pass;
    }

    /// <summary>The pass this instance ran (for tests and diagnostics).</summary>
    internal EnginePass.Result? LastPass { get; private set; }
}
