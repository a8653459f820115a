using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Application.Signals;
using TerraFlow.Runner;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Turns the store's notifications (<see cref="IWorkNotifications"/>: sent with new jobs, inbox and outbox rows, heard
/// only after commit) into wake-ups for the engine loops and the in-process runner, from any process on the database.
/// </summary>
internal sealed class NotificationListener(IWorkNotifications notifications, WorkSignals signals, JobSignal jobs, ILogger<NotificationListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await notifications.ListenAsync(Wake, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The loops still poll, so losing notifications only slows things down; reconnect after a pause.
                logger.LogWarning(ex, "Notification listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Wake(WorkChannel channel)
    {
        switch (channel)
        {
            case WorkChannel.Jobs: jobs.Notify(); signals.Jobs.Notify(); break;
            case WorkChannel.Inbox: signals.Inbox.Notify(); break;
            case WorkChannel.Outbox: signals.Outbox.Notify(); break;
        }
    }
}
