using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries, used when no connection string is configured
/// (standalone host: persistent, under <c>.terraflow/postgres</c>; tests: throw-away, in a unique temp directory).
/// Listens on 127.0.0.1 only. A persistent cluster is made atomically (see <see cref="PersistentClusterLayout"/>),
/// requires passwords (scram-sha-256; generated, in <c>postgres.password</c> beside the data folder) and
/// <see cref="ConnectionString"/> names the application role, which is not a superuser; its postmaster is restarted
/// when it dies (<see cref="IsLost"/>). A throw-away cluster trusts loopback connections of its superuser.
/// Disposing stops the server (and deletes a throw-away cluster's files).
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private readonly PostgresServerControl control;
    private readonly ClusterDirectories directories;
    private readonly ILogger logger;
    private readonly SemaphoreSlim disposeLock = new(1, 1);
    private readonly ClusterPasswords? passwords;
    private readonly ClusterRoles? roles;
    private PostmasterWatchdog? watchdog;
    private bool disposed;

    private EmbeddedPostgres(
        PostgresServerControl control, ClusterDirectories directories, EmbeddedPostgresOptions options, int port, bool adopted,
        ClusterPasswords? passwords, ILogger logger)
    {
        this.control = control;
        this.directories = directories;
        this.logger = logger;
        this.passwords = passwords;
        roles = passwords is null ? null : ClusterRoles.For(options);
        Port = port;
        UserName = roles?.Application ?? options.UserName;
        DatabaseName = options.DatabaseName;
        IsPersistent = options.Persistent;
        AdoptedRunningServer = adopted;
    }

    /// <summary>
    /// Npgsql connection string to <see cref="DatabaseName"/> (Host=127.0.0.1, Port, Username, Database; for a persistent
    /// cluster the application role and its password).
    /// </summary>
    public string ConnectionString => ConnectionStringFor(DatabaseName);

    /// <summary>
    /// For runners on the PostgreSQL job queue: the runner role, which may only use the job tables, with its password
    /// read from <see cref="RunnerPasswordFile"/> (Passfile=) rather than written into the string. Null for throw-away clusters.
    /// </summary>
    public string? RunnerConnectionString => roles is null ? null :
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresReadiness.ConnectionString(Port, roles.Runner, DatabaseName))
        {
            Passfile = RunnerPasswordFile,
        }.ConnectionString;

    /// <summary>The generated passwords of a persistent cluster's roles (pgpass format, 0600), beside the data folder.</summary>
    public string? PasswordFile => roles is null ? null : ClusterPasswords.FileFor(DataDirectory);

    /// <summary>Only the runner role's password, to hand to runners.</summary>
    public string? RunnerPasswordFile => roles is null ? null : ClusterPasswords.RunnerFileFor(DataDirectory);

    /// <summary>The role TerraFlow connects as (persistent: the application role, not a superuser).</summary>
    public string ApplicationRole => UserName;

    /// <summary>The runner role of a persistent cluster.</summary>
    public string? RunnerRole => roles?.Runner;

    /// <summary>False while the postmaster is down (between its death and its restart). Always true for throw-away clusters.</summary>
    public bool IsServerRunning => watchdog?.IsServerRunning ?? true;

    /// <summary>True when the postmaster died and could not be restarted (the host's liveness should fail).</summary>
    public bool IsLost => watchdog?.IsLost ?? false;

    /// <summary>How many times the postmaster was restarted after dying.</summary>
    public int Restarts => watchdog?.Restarts ?? 0;

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

    /// <summary>Connection string to another database on this server as <see cref="UserName"/> (e.g. "postgres" for admin work on a throw-away cluster).</summary>
    public string ConnectionStringFor(string database) =>
        PostgresReadiness.ConnectionString(Port, UserName, database, password: passwords is null ? null : passwords.Application);

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
        if (options.Persistent)
        {
            return await StartPersistentAsync(binaries, osUser, directories, control, options, logger, ct).ConfigureAwait(false);
        }

        var started = false;
        try
        {
            await control.InitDbAsync(directories.DataDirectory, passwordFile: null, ct).ConfigureAwait(false);
            var port = await control.StartAsync(ct).ConfigureAwait(false);
            started = true;
            var instance = new EmbeddedPostgres(control, directories, options, port, adopted: false, passwords: null, logger);
            var admin = PostgresReadiness.ConnectionString(port, options.UserName, "postgres", pooling: false);
            await WaitUntilAcceptingAsync(admin, port, directories, options, ct).ConfigureAwait(false);
            await PostgresReadiness.EnsureDatabaseAsync(admin, options.DatabaseName, ct).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await CleanUpAfterFailedStartAsync(control, directories, started, logger).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WaitUntilAcceptingAsync(
        string connectionString, int port, ClusterDirectories directories, EmbeddedPostgresOptions options, CancellationToken ct)
    {
        var failure = await PostgresReadiness.WaitForConnectionAsync(connectionString, options.StartTimeout, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            throw EmbeddedPostgresException.WithLogTail(
                $"The embedded PostgreSQL started but did not accept connections on 127.0.0.1:{port}: {failure.Message}",
                directories.LogFile, failure);
        }
    }

    /// <summary>For tests that play a host that died: its watchdog dies with it, so nothing restarts the server.</summary>
    internal async ValueTask StopWatchingAsync()
    {
        if (watchdog is not null)
        {
            await watchdog.DisposeAsync().ConfigureAwait(false);
            watchdog = null;
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
            if (watchdog is not null)
            {
                await watchdog.DisposeAsync().ConfigureAwait(false); // or it would restart the server we stop
            }

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
            watchdog?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(1));
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
