using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Watches the postmaster of the cluster this host started (or adopted) and starts it again when it dies, on the
/// same port so the connection strings stay valid, with exponential backoff (1 s doubling to 30 s) and a log line
/// per attempt. PostgreSQL's crash recovery replays the WAL, so every committed transaction survives. After
/// <see cref="FailuresBeforeLost"/> failed restarts in a row <see cref="IsLost"/> turns true (liveness fails, so a
/// supervisor restarts the whole host); it turns false again as soon as a restart succeeds.
/// </summary>
internal sealed class PostmasterWatchdog : IAsyncDisposable
{
    public const int FailuresBeforeLost = 3;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string dataDirectory;
    private readonly Func<CancellationToken, Task> restart;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private volatile bool running = true;
    private volatile bool lost;

    public PostmasterWatchdog(string dataDirectory, Func<CancellationToken, Task> restart, ILogger logger)
    {
        this.dataDirectory = dataDirectory;
        this.restart = restart;
        this.logger = logger;
        loop = Task.Run(() => WatchAsync(stopping.Token));
    }

    /// <summary>True while the postmaster runs (as of the last check, at most half a second old).</summary>
    public bool IsServerRunning => running;

    /// <summary>True when the server is down and restarting it has failed repeatedly.</summary>
    public bool IsLost => lost;

    public int Restarts { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting or restarting
        }

        stopping.Dispose();
    }

    private bool PostmasterAlive() => PostmasterPidFile.TryRead(dataDirectory) is { } pid && pid.IsPostgresAlive();

    private async Task WatchAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(CheckInterval, ct).ConfigureAwait(false);
            if (PostmasterAlive())
            {
                continue;
            }

            running = false;
            logger.LogError("The embedded PostgreSQL server (data {DataDirectory}) is not running; restarting it", dataDirectory);
            var backoff = TimeSpan.FromSeconds(1);
            for (var attempt = 1; !ct.IsCancellationRequested; attempt++)
            {
                try
                {
                    await restart(ct).ConfigureAwait(false);
                    Restarts++;
                    running = true;
                    lost = false;
                    logger.LogWarning("Restarted the embedded PostgreSQL server (attempt {Attempt}; {Restarts} restarts since start)", attempt, Restarts);
                    break;
                }
                catch (Exception ex) when (ex is EmbeddedPostgresException or IOException or TimeoutException)
                {
                    lost = attempt >= FailuresBeforeLost;
                    logger.LogError(
                        "Restarting the embedded PostgreSQL failed (attempt {Attempt}, next in {Backoff}){Lost}: {Error}",
                        attempt, backoff, lost ? "; liveness now fails" : "", ex.Message);
                }

                await Task.Delay(backoff, ct).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }
}
