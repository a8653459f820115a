using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>The standalone host's persistent cluster: adopting a server a crashed host left running, or making one.</summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>
    /// The standalone host's cluster: adopt a server a crashed host left running, or set aside a half-made folder and
    /// make a new cluster atomically, start it, then apply password authentication and the roles (also to folders
    /// from earlier versions) and watch the postmaster.
    /// </summary>
    private static async Task<EmbeddedPostgres> StartPersistentAsync(
        PostgresBinaries binaries, PostgresOsUser osUser, ClusterDirectories directories, PostgresServerControl control,
        EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct)
    {
        var roles = ClusterRoles.For(options);
        var layout = new PersistentClusterLayout(directories, osUser, control, logger);
        layout.RemoveStagingLeftovers();
        var passwords = await ClusterPasswords.LoadOrCreateAsync(directories.DataDirectory, roles, ct).ConfigureAwait(false);
        var started = false;
        try
        {
            var port = await TryAdoptRunningServerAsync(directories, options, passwords.Superuser, logger, ct).ConfigureAwait(false);
            var adopted = port is not null;
            if (port is { } running)
            {
                started = true;
                if (!PersistentClusterLayout.IsMarkedComplete(directories.DataDirectory))
                {
                    await layout.VerifyAndMarkAsync(running, roles.Superuser, passwords.Superuser, ct).ConfigureAwait(false);
                }
            }
            else
            {
                var existing = await layout.InspectAsync(ct).ConfigureAwait(false);
                if (existing == ExistingCluster.Unverified)
                {
                    // Made by an earlier version (no marker): only a started server can show it is complete.
                    try
                    {
                        port = await control.StartAsync(ct).ConfigureAwait(false);
                        started = true;
                    }
                    catch (EmbeddedPostgresException ex)
                    {
                        logger.LogWarning("The unmarked data folder {DataDirectory} does not start: {Error}", directories.DataDirectory, ex.Message);
                    }

                    if (port is null || !await layout.VerifyAndMarkAsync(port.Value, roles.Superuser, passwords.Superuser, ct).ConfigureAwait(false))
                    {
                        if (started)
                        {
                            await control.StopAsync(ct).ConfigureAwait(false);
                            started = false;
                        }

                        port = null;
                        layout.SetAside("it has no completion marker and is not a complete cluster");
                        existing = ExistingCluster.None;
                    }
                }
                else if (existing == ExistingCluster.Complete && !passwords.Existed && ClusterSecurity.IsManaged(directories.DataDirectory))
                {
                    logger.LogWarning(
                        "The password file {PasswordFile} was missing, so new passwords were generated; setting them in the cluster",
                        ClusterPasswords.FileFor(directories.DataDirectory));
                    await ClusterSecurity.WriteRecoveryHbaAsync(directories.DataDirectory, ct).ConfigureAwait(false);
                }

                if (existing == ExistingCluster.None)
                {
                    await layout.InitializeAsync(passwords, ct).ConfigureAwait(false);
                }

                if (port is null)
                {
                    port = await control.StartAsync(ct).ConfigureAwait(false);
                    started = true;
                }
            }

            CrashHook.Reached(CrashHook.AfterStart);
            var admin = PostgresReadiness.ConnectionString(port.Value, roles.Superuser, "postgres", pooling: false, passwords.Superuser);
            await WaitUntilAcceptingAsync(admin, port.Value, directories, options, ct).ConfigureAwait(false);
            await ClusterSecurity.ApplyAsync(port.Value, directories.DataDirectory, options.DatabaseName, roles, passwords, logger, ct)
                .ConfigureAwait(false);

            var instance = new EmbeddedPostgres(control, directories, options, port.Value, adopted, passwords, logger);
            var restartControl = new PostgresServerControl(binaries, osUser, directories, options with { Port = port.Value }, logger);
            instance.watchdog = new PostmasterWatchdog(
                directories.DataDirectory, token => restartControl.StartAsync(token, keepPort: true), logger);
            logger.LogInformation(
                "Runners on the PostgreSQL job queue can connect as {RunnerRole} (job tables only): {RunnerConnectionString}",
                roles.Runner, instance.RunnerConnectionString);
            return instance;
        }
        catch
        {
            await CleanUpAfterFailedStartAsync(control, directories, started, logger).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A persistent data directory may still be served by a postmaster from a host that crashed (the server is a
    /// daemon and outlives it). Reusing it makes restart-after-crash seamless. A postmaster.pid whose process is
    /// gone is left for PostgreSQL itself, which recovers from it safely.
    /// </summary>
    private static async Task<int?> TryAdoptRunningServerAsync(
        ClusterDirectories directories, EmbeddedPostgresOptions options, string superuserPassword, ILogger logger, CancellationToken ct)
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

        var connectionString = PostgresReadiness.ConnectionString(pidFile.Port, options.UserName, "postgres", pooling: false, superuserPassword);
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
}
