using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// With Service Bus as the job transport, in every host (standalone, and the isolated worker, which has no Service Bus
/// trigger here): keeps a long peek-lock receive open on the results queue and moves each result into the workflow
/// inbox through <see cref="JobResultPump"/> (recorded once per message id, completed after the commit). A receive
/// returns as soon as a result arrives, so a result normally reaches the workflow well within a second. The timer's
/// engine pass drains the same queue for when no instance is running this loop.
/// </summary>
internal sealed class ServiceBusResultsLoop(
    JobResultPump pump,
    ServiceBusOptions serviceBus,
    EngineOptions options,
    ILogger<ServiceBusResultsLoop> logger) : BackgroundService
{
    /// <summary>Longest pause after failures: while the database is down each retry costs the waiting result one delivery.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var backoff = options.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pump.PumpAsync(serviceBus.ResultsReceiveWait, serviceBus.MaxDrainBatch, stoppingToken);
                backoff = options.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The result that failed stays locked and comes back after its lock expires; nothing is abandoned.
                logger.LogError(ex, "Receiving Service Bus results failed; retrying in {Backoff}", backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
