using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// initdb / pg_ctl start / pg_ctl stop for one data directory, including the retries that make concurrent
/// test processes and restarts after a crash work: a port taken between picking and binding, and shared memory
/// or a lock file still held for a moment by the children of a killed postmaster.
/// </summary>
internal sealed class PostgresServerControl(
    PostgresBinaries binaries, PostgresOsUser osUser, ClusterDirectories directories, EmbeddedPostgresOptions options, ILogger logger)
{
    private const int MaxPortAttempts = 6;
    private static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// initdb into <paramref name="dataDirectory"/> (the data directory itself for a throw-away cluster, a staging
    /// sibling for a persistent one). With <paramref name="passwordFile"/> the superuser gets that password and every
    /// connection needs one (scram-sha-256); without it (throw-away test clusters only) loopback connections are trusted.
    /// </summary>
    public async Task InitDbAsync(string dataDirectory, string? passwordFile, CancellationToken ct)
    {
        List<string> arguments = ["-D", dataDirectory, "-U", options.UserName, "--encoding=UTF8", "--locale=C"];
        arguments.AddRange(passwordFile is null ? ["-A", "trust"] : ["-A", "scram-sha-256", "--pwfile=" + passwordFile]);
        if (!options.Persistent)
        {
            arguments.Add("--no-sync"); // nothing to protect in a throw-away cluster; saves seconds per test run
        }

        logger.LogInformation("Initializing PostgreSQL data directory {DataDirectory}", dataDirectory);
        var run = osUser.RunAsync(binaries.InitDb, arguments, options.StartTimeout, ct);
        if (CrashHook.IsArmed(CrashHook.DuringInitDb))
        {
            // Die while initdb is still writing (it has created its first files but not finished).
            while (!run.IsCompleted && !File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            {
                await Task.Delay(5, ct).ConfigureAwait(false);
            }

            CrashHook.Reached(CrashHook.DuringInitDb);
        }

        var result = await run.ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed for '{dataDirectory}' (exit {result.ExitCode}).{Environment.NewLine}{result.CombinedOutput}");
        }
    }

    /// <summary>
    /// Starts the server and returns the port it listens on. <paramref name="keepPort"/>: a restart must come back on
    /// the port the connection strings already name, so a conflict fails instead of moving to another port.
    /// </summary>
    public async Task<int> StartAsync(CancellationToken ct, bool keepPort = false)
    {
        var port = options.Port == 0 ? FreeTcpPort.Pick() : options.Port;
        var leftoverDeadline = DateTime.UtcNow + LeftoverWait;
        var portAttempts = 0;
        while (true)
        {
            var logLengthBefore = LogLength();
            var result = await osUser.RunAsync(binaries.PgCtl, StartArguments(port), options.StartTimeout + TimeSpan.FromSeconds(10), ct)
                .ConfigureAwait(false);
            if (result.Succeeded)
            {
                logger.LogInformation(
                    "Embedded PostgreSQL started on 127.0.0.1:{Port} (data {DataDirectory}, log {LogFile})",
                    port, directories.DataDirectory, directories.LogFile);
                return port;
            }

            var newLog = ReadLogFrom(logLengthBefore) + Environment.NewLine + result.CombinedOutput;
            if (!keepPort && IsPortConflict(newLog) && ++portAttempts < MaxPortAttempts)
            {
                var next = FreeTcpPort.Pick();
                logger.LogWarning("Port {Port} is taken; retrying the embedded PostgreSQL on port {NextPort}", port, next);
                port = next;
                continue;
            }

            if (IsLeftoverFromKilledServer(newLog) && DateTime.UtcNow < leftoverDeadline)
            {
                logger.LogInformation("Processes of a previous, killed PostgreSQL still hold the data directory; waiting for them to exit");
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                continue;
            }

            throw EmbeddedPostgresException.WithLogTail(
                $"pg_ctl start failed for '{directories.DataDirectory}' on port {port} (exit {result.ExitCode}): {result.CombinedOutput}",
                directories.LogFile);
        }
    }

    /// <summary>"Database cluster state" from pg_controldata (e.g. "shut down", "in production"), or null when it cannot tell.</summary>
    public async Task<string?> ReadClusterStateAsync(CancellationToken ct)
    {
        var result = await osUser.RunAsync(binaries.PgControlData, ["-D", directories.DataDirectory], TimeSpan.FromSeconds(30), ct)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }

        const string label = "Database cluster state:";
        return result.StandardOutput.Split('\n')
            .Where(line => line.StartsWith(label, StringComparison.Ordinal))
            .Select(line => line[label.Length..].Trim())
            .FirstOrDefault();
    }

    /// <summary>Fast shutdown (rolls back open transactions); escalates to immediate if that does not finish.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        var fast = await osUser.RunAsync(
            binaries.PgCtl, ["stop", "-D", directories.DataDirectory, "-m", "fast", "-w", "-t", "30"], TimeSpan.FromSeconds(40), ct)
            .ConfigureAwait(false);
        if (fast.Succeeded || IsNotRunning(fast))
        {
            logger.LogInformation("Embedded PostgreSQL stopped (data {DataDirectory})", directories.DataDirectory);
            return;
        }

        logger.LogWarning("pg_ctl stop -m fast failed ({Output}); stopping immediately", fast.CombinedOutput);
        var immediate = await osUser.RunAsync(
            binaries.PgCtl, ["stop", "-D", directories.DataDirectory, "-m", "immediate", "-w", "-t", "30"], TimeSpan.FromSeconds(40), ct)
            .ConfigureAwait(false);
        if (!immediate.Succeeded && !IsNotRunning(immediate))
        {
            throw EmbeddedPostgresException.WithLogTail(
                $"Could not stop the embedded PostgreSQL in '{directories.DataDirectory}': {immediate.CombinedOutput}", directories.LogFile);
        }
    }

    private List<string> StartArguments(int port)
    {
        // listen only on loopback (trust auth needs no password) and disable Unix sockets: no socket-path length
        // limits, no /var/run/postgresql permissions, no clash between clusters.
        var serverOptions = new List<string>
        {
            "-p " + port.ToString(CultureInfo.InvariantCulture),
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=",
            "-c max_connections=200",
            options.Persistent ? "-c shared_buffers=128MB" : "-c shared_buffers=32MB",
        };
        if (!options.Persistent)
        {
            // Durability is pointless for a cluster deleted at the end of the test run; these make tests much faster.
            serverOptions.Add("-c fsync=off");
            serverOptions.Add("-c synchronous_commit=off");
            serverOptions.Add("-c full_page_writes=off");
        }

        var timeoutSeconds = ((int)Math.Ceiling(options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return
        [
            "start", "-D", directories.DataDirectory, "-w", "-t", timeoutSeconds, "-l", directories.LogFile,
            "-o", string.Join(' ', serverOptions),
        ];
    }

    private static bool IsPortConflict(string log) =>
        log.Contains("could not bind", StringComparison.OrdinalIgnoreCase) ||
        log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase) ||
        log.Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase);

    private static bool IsLeftoverFromKilledServer(string log) =>
        log.Contains("pre-existing shared memory block", StringComparison.OrdinalIgnoreCase) ||
        log.Contains("lock file \"postmaster.pid\" already exists", StringComparison.OrdinalIgnoreCase);

    private static bool IsNotRunning(ProcessResult result) =>
        result.CombinedOutput.Contains("Is server running?", StringComparison.OrdinalIgnoreCase) ||
        result.CombinedOutput.Contains("No such process", StringComparison.OrdinalIgnoreCase) ||
        result.CombinedOutput.Contains("does not exist", StringComparison.OrdinalIgnoreCase);

    private long LogLength()
    {
        var info = new FileInfo(directories.LogFile);
        return info.Exists ? info.Length : 0;
    }

    private string ReadLogFrom(long offset)
    {
        try
        {
            using var stream = new FileStream(directories.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
