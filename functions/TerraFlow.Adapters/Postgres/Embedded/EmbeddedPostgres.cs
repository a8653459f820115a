using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries, used when no connection string is configured
/// (standalone host: persistent, under <c>.terraflow/postgres</c>; tests: throw-away, in a unique temp directory).
/// Listens on 127.0.0.1 only with trust auth, so <see cref="ConnectionString"/> needs no password.
/// Disposing stops the server (and deletes a throw-away cluster's files).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly PostgresServerControl control;
    private readonly ClusterDirectories directories;
    private readonly ILogger logger;
    private readonly SemaphoreSlim disposeLock = new(1, 1);
    private bool disposed;

    private EmbeddedPostgres(
        PostgresServerControl control, ClusterDirectories directories, EmbeddedPostgresOptions options, int port, bool adopted, ILogger logger)
    {
        this.control = control;
        this.directories = directories;
        this.logger = logger;
        Port = port;
        UserName = options.UserName;
        DatabaseName = options.DatabaseName;
        IsPersistent = options.Persistent;
        AdoptedRunningServer = adopted;
    }

    /// <summary>Npgsql connection string to <see cref="DatabaseName"/> (Host=127.0.0.1, Port, Username, Database).</summary>
    public string ConnectionString => ConnectionStringFor(DatabaseName);

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    public string UserName { get; }

    public string DatabaseName { get; }

    public bool IsPersistent { get; }

    /// <summary>The data directory actually used (for a persistent cluster this may be the /tmp fallback; see README).</summary>
    public string DataDirectory => directories.DataDirectory;

    /// <summary>The server log (look here when something fails; exceptions already quote its tail).</summary>
    public string LogFile => directories.LogFile;

    /// <summary>True when a server left running by a previous (crashed) host was reused instead of started.</summary>
    public bool AdoptedRunningServer { get; }

    /// <summary>The postmaster's process id while it runs, from postmaster.pid.</summary>
    public int? ServerProcessId => PostmasterPidFile.TryRead(DataDirectory)?.ProcessId;

    /// <summary>Connection string to another database on this server (e.g. "postgres" for admin work).</summary>
    public string ConnectionStringFor(string database) => PostgresReadiness.ConnectionString(Port, UserName, database);

    /// <summary>
    /// Finds the binaries, prepares the data directory (initdb when new), starts the server (or adopts the one a
    /// crashed previous host left running on a persistent directory), waits until it accepts connections and
    /// creates <see cref="EmbeddedPostgresOptions.DatabaseName"/> if missing.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">With the tail of the server log when the server fails.</exception>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger? logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;

        var binaries = await PostgresBinaries.LocateAsync(logger, ct).ConfigureAwait(false);
        var osUser = await PostgresOsUser.DetectAsync(ct).ConfigureAwait(false);
        if (!options.Persistent)
        {
            await OrphanedClusterReaper.ReapAsync(binaries, osUser, logger, ct).ConfigureAwait(false);
        }

        var directories = await ClusterDirectories.PrepareAsync(options, osUser, logger, ct).ConfigureAwait(false);
        if (directories.InstanceRoot is not null)
        {
            TemporaryClusterWatchdog.Start(directories.InstanceRoot, logger);
        }

        var control = new PostgresServerControl(binaries, osUser, directories, options, logger);
        var started = false;
        try
        {
            var adoptedPort = options.Persistent
                ? await TryAdoptRunningServerAsync(directories, options, logger, ct).ConfigureAwait(false)
                : null;
            int port;
            if (adoptedPort is { } reused)
            {
                port = reused;
            }
            else
            {
                if (!directories.IsInitialized)
                {
                    await control.InitDbAsync(ct).ConfigureAwait(false);
                }

                port = await control.StartAsync(ct).ConfigureAwait(false);
            }

            started = true;
            var instance = new EmbeddedPostgres(control, directories, options, port, adoptedPort is not null, logger);
            var admin = PostgresReadiness.ConnectionString(port, options.UserName, "postgres", pooling: false);
            var failure = await PostgresReadiness.WaitForConnectionAsync(admin, options.StartTimeout, ct).ConfigureAwait(false);
            if (failure is not null)
            {
                throw EmbeddedPostgresException.WithLogTail(
                    $"The embedded PostgreSQL started but did not accept connections on 127.0.0.1:{port}: {failure.Message}",
                    directories.LogFile, failure);
            }

            await PostgresReadiness.EnsureDatabaseAsync(admin, options.DatabaseName, ct).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await CleanUpAfterFailedStartAsync(control, directories, started, logger).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown) and deletes a throw-away cluster's directory. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        await disposeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            await control.StopAsync(CancellationToken.None).ConfigureAwait(false);
            DeleteInstanceRoot(directories, logger);
        }
        finally
        {
            disposeLock.Release();
        }
    }

    /// <summary>
    /// Immediate shutdown (SIGQUIT to the postmaster, no checkpoint) and, for a throw-away cluster, deletion of its
    /// directory, synchronously and within about a second. For process-exit handlers: test hosts may kill the
    /// process shortly after the run ends, which cuts the slower <see cref="DisposeAsync"/> short.
    /// </summary>
    public void StopImmediately()
    {
        if (!disposeLock.Wait(TimeSpan.FromSeconds(1)))
        {
            return;
        }

        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            if (PostmasterPidFile.TryRead(DataDirectory) is { } pidFile && pidFile.IsPostgresAlive())
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-QUIT", pidFile.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit(1000);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
                while (pidFile.IsPostgresAlive() && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }
            }

            DeleteInstanceRoot(directories, logger);
        }
        finally
        {
            disposeLock.Release();
        }
    }

    /// <summary>
    /// A persistent data directory may still be served by a postmaster from a host that crashed (the server is a
    /// daemon and outlives it). Reusing it makes restart-after-crash seamless. A postmaster.pid whose process is
    /// gone is left for PostgreSQL itself, which recovers from it safely.
    /// </summary>
    private static async Task<int?> TryAdoptRunningServerAsync(
        ClusterDirectories directories, EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct)
    {
        var pidFile = PostmasterPidFile.TryRead(directories.DataDirectory);
        if (pidFile is null)
        {
            return null;
        }

        if (!pidFile.IsPostgresAlive())
        {
            if (pidFile.ProcessExists())
            {
                // The pid is a zombie (dead postmaster not yet reaped) or was recycled by another program. PostgreSQL's own
                // stale-lock check (kill(pid, 0)) would take it for a running server and refuse to start. Removing the file
                // is safe: a new postmaster still refuses to start while old backends remain attached to shared memory.
                logger.LogWarning("Removing stale postmaster.pid (pid {Pid} is no longer a running PostgreSQL server)", pidFile.ProcessId);
                File.Delete(Path.Combine(directories.DataDirectory, PostmasterPidFile.FileName));
            }
            else
            {
                logger.LogInformation("Found postmaster.pid of a server that is gone (pid {Pid}); PostgreSQL will recover", pidFile.ProcessId);
            }

            return null;
        }

        var connectionString = PostgresReadiness.ConnectionString(pidFile.Port, options.UserName, "postgres", pooling: false);
        var failure = await PostgresReadiness.WaitForConnectionAsync(connectionString, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw EmbeddedPostgresException.WithLogTail(
                $"A PostgreSQL server (pid {pidFile.ProcessId}, status '{pidFile.Status}') is already running on '{directories.DataDirectory}' " +
                $"but does not accept connections on 127.0.0.1:{pidFile.Port}. Stop it (pg_ctl stop -D \"{directories.DataDirectory}\") and retry.",
                directories.LogFile, failure);
        }

        if (options.Port != 0 && options.Port != pidFile.Port)
        {
            logger.LogWarning("Reusing the running server on port {Port} instead of the configured port {Configured}", pidFile.Port, options.Port);
        }

        logger.LogInformation(
            "Reusing the embedded PostgreSQL left running by a previous host (pid {Pid}, port {Port})", pidFile.ProcessId, pidFile.Port);
        return pidFile.Port;
    }

    private static async Task CleanUpAfterFailedStartAsync(
        PostgresServerControl control, ClusterDirectories directories, bool started, ILogger logger)
    {
        try
        {
            if (started || directories.InstanceRoot is not null)
            {
                await control.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is EmbeddedPostgresException or IOException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not stop the embedded PostgreSQL after a failed start");
        }

        DeleteInstanceRoot(directories, logger);
    }

    private static void DeleteInstanceRoot(ClusterDirectories directories, ILogger logger)
    {
        if (directories.InstanceRoot is null)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(directories.InstanceRoot))
                {
                    Directory.Delete(directories.InstanceRoot, recursive: true);
                }

                return;
            }
            catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && attempt < 5)
            {
                Thread.Sleep(100 * attempt); // a just-stopped server may still be closing files
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not delete the temporary cluster directory {Directory}", directories.InstanceRoot);
                return;
            }
        }
    }
}
