using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Application.Drift;

namespace TerraFlow.Functions.Drift;

/// <summary>
/// The standalone host's drift timer: every <see cref="DriftOptions.PollInterval"/> it starts the due checks
/// (<see cref="DriftScheduler"/>). Any number of hosts may run it on one database; each due check starts once. (In Azure
/// the Timers function's pass does the same.)
/// </summary>
internal sealed class DriftLoop(DriftScheduler scheduler, DriftOptions options, ILogger<DriftLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be due: claim again at once.
                while (await scheduler.RunDueAsync(stoppingToken) >= Math.Max(1, options.BatchSize)) { }
                await Task.Delay(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Drift timer pass failed; retrying");
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
