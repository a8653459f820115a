using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Runner;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Turns PostgreSQL notifications (sent in the same transaction as new jobs, inbox and outbox rows, so they arrive
/// only after commit) into wake-ups for the engine loops and the in-process runner, from any process on the database.
/// </summary>
public sealed class NotificationListener(NpgsqlDataSource dataSource, WorkSignals signals, JobSignal jobs, ILogger<NotificationListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) =>
                {
                    switch (e.Channel)
                    {
                        case "terraflow_jobs": jobs.Notify(); signals.Jobs.Notify(); break;
                        case "terraflow_inbox": signals.Inbox.Notify(); break;
                        case "terraflow_outbox": signals.Outbox.Notify(); break;
                    }
                };
                await using (var listen = new NpgsqlCommand("listen terraflow_jobs; listen terraflow_inbox; listen terraflow_outbox", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
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
}
