using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Runner;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Drives the workflow in the standalone host: the inbox, the outbox and the lease sweep. Each loop drains its work,
/// then sleeps until the next poll or until a <see cref="WorkSignal"/> says something new was written.
/// (In Azure, the Timers function drives the same steps.)
/// </summary>
internal sealed class EngineLoop(
    WorkflowEngine engine,
    OutboxDispatcher outbox,
    ExpiredLeaseSweeper sweeper,
    WorkSignals signals,
    EngineOptions options,
    ILogger<EngineLoop> logger) : BackgroundService
{
    // Several loops per queue: items of different runs proceed in parallel (SKIP LOCKED hands each item to one loop;
    // the run row lock serializes items of the same run), and one slow GitHub call does not stall the rest.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        Enumerable.Range(0, Math.Max(1, options.InboxWorkers))
            .Select(_ => LoopAsync("inbox", engine.ProcessNextAsync, signals.Inbox, options.PollInterval, stoppingToken))
            .Concat(Enumerable.Range(0, Math.Max(1, options.OutboxWorkers))
                .Select(_ => LoopAsync("outbox", outbox.DispatchNextAsync, signals.Outbox, options.PollInterval, stoppingToken)))
            .Append(LoopAsync("lease sweep", async ct => await sweeper.SweepAsync(ct) > 0, null, options.LeaseSweepInterval, stoppingToken)));

    private async Task LoopAsync(string name, Func<CancellationToken, Task<bool>> step, JobSignal? wake, TimeSpan idle, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (await step(ct)) { }
                if (wake is null) await Task.Delay(idle, ct);
                else await wake.WaitAsync(idle, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Engine {Loop} loop failed; retrying", name);
                await Task.Delay(idle, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

internal sealed class EngineOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan LeaseSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A job sent to Service Bus whose result has not come after this long is given up on (plans fail, applies are
    /// reported interrupted). Longer than a runner execution may last (the runner job's replicaTimeout, 90 minutes).
    /// </summary>
    public TimeSpan DispatchedResultTimeout { get; set; } = TimeSpan.FromHours(2);

    public int InboxWorkers { get; set; } = 4;

    public int OutboxWorkers { get; set; } = 4;
}

/// <summary>In-process wake-ups for the engine loops (PostgreSQL notifications feed them too).</summary>
internal sealed class WorkSignals
{
    public JobSignal Inbox { get; } = new();

    public JobSignal Outbox { get; } = new();

    /// <summary>New job rows, for <see cref="JobDispatchLoop"/> (the in-process runner has its own signal).</summary>
    public JobSignal Jobs { get; } = new();
}
