using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Makes a persistent cluster's first start atomic from the outside. initdb runs in a staging sibling
/// (<c>postgres.initdb-&lt;id&gt;</c>); the completion marker is written last inside it and the folder is then renamed
/// into place, so a crash at any moment leaves either no data folder or a complete, marked one. A folder without the
/// marker comes from an earlier version: a real cluster (pg_control readable, the template and postgres databases
/// present) gets the marker; anything else is half-made and is renamed to <c>postgres.incomplete-&lt;time&gt;</c>, never
/// deleted, before a fresh cluster is made.
/// </summary>
internal sealed class PersistentClusterLayout(
    ClusterDirectories directories, PostgresOsUser osUser, PostgresServerControl control, ILogger logger)
{
    public const string MarkerFileName = "terraflow-cluster-complete";
    public const string StagingInfix = ".initdb-";
    public const string SetAsideInfix = ".incomplete-";

    /// <summary>pg_controldata states of a cluster that finished initdb and was started at least once, or shut down.</summary>
    private static readonly string[] UsableStates =
        ["shut down", "shut down in recovery", "shutting down", "in production", "in crash recovery", "in archive recovery"];

    private string DataDirectory => directories.DataDirectory;

    private string Parent => Path.GetDirectoryName(DataDirectory)!;

    private string Name => Path.GetFileName(DataDirectory);

    public static bool IsMarkedComplete(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, MarkerFileName));

    /// <summary>
    /// Staging folders of interrupted first starts never held data (they were not renamed into place), so they are
    /// removed; one whose orphaned initdb is still writing may resist, which is harmless: nothing ever uses it.
    /// </summary>
    public void RemoveStagingLeftovers()
    {
        foreach (var staging in Directory.EnumerateDirectories(Parent, Name + StagingInfix + "*"))
        {
            try
            {
                Directory.Delete(staging, recursive: true);
                logger.LogInformation("Removed {Staging}, left by a first start that was interrupted before its cluster was complete", staging);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not remove the interrupted initdb folder {Staging}: {Error}", staging, ex.Message);
            }
        }
    }

    /// <summary>
    /// What is in the data folder now. Incomplete folders are set aside here, so the answer is never "half-made".
    /// </summary>
    public async Task<ExistingCluster> InspectAsync(CancellationToken ct)
    {
        if (!Directory.Exists(DataDirectory))
        {
            return ExistingCluster.None;
        }

        if (IsMarkedComplete(DataDirectory))
        {
            return ExistingCluster.Complete;
        }

        if (!Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            Directory.Delete(DataDirectory); // empty: created by an earlier version just before its initdb; holds nothing
            return ExistingCluster.None;
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) || !File.Exists(Path.Combine(DataDirectory, "global", "pg_control")))
        {
            SetAside("initdb did not finish: PG_VERSION or global/pg_control is missing");
            return ExistingCluster.None;
        }

        var state = await control.ReadClusterStateAsync(ct).ConfigureAwait(false);
        if (state is null || !UsableStates.Contains(state, StringComparer.Ordinal))
        {
            SetAside($"pg_controldata reports the cluster state '{state ?? "unreadable"}'");
            return ExistingCluster.None;
        }

        return ExistingCluster.Unverified;
    }

    /// <summary>True when a started cluster without the marker has the databases initdb creates last; writes the marker then.</summary>
    public async Task<bool> VerifyAndMarkAsync(int port, string superuser, string password, CancellationToken ct)
    {
        try
        {
            var template1 = PostgresReadiness.ConnectionString(port, superuser, "template1", pooling: false, password);
            await using var connection = new NpgsqlConnection(template1);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var count = new NpgsqlCommand(
                "select count(*) from pg_database where datname in ('template0', 'template1', 'postgres')", connection);
            if ((long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))! != 3)
            {
                return false;
            }
        }
        catch (NpgsqlException ex)
        {
            logger.LogWarning("The unmarked data folder {DataDirectory} does not answer like a complete cluster: {Error}", DataDirectory, ex.Message);
            return false;
        }

        await WriteMarkerAsync(DataDirectory, ct).ConfigureAwait(false);
        logger.LogInformation("Adopted the complete cluster in {DataDirectory} made by an earlier version (marked it complete)", DataDirectory);
        return true;
    }

    /// <summary>Renames the data folder aside (never deletes it) and says so in the log, naming the new folder.</summary>
    public string SetAside(string reason)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = Path.Combine(Parent, Name + SetAsideInfix + stamp);
        for (var n = 2; Directory.Exists(target); n++)
        {
            target = Path.Combine(Parent, Name + SetAsideInfix + stamp + "-" + n.ToString(CultureInfo.InvariantCulture));
        }

        Directory.Move(DataDirectory, target);
        logger.LogWarning(
            "The embedded PostgreSQL data folder {DataDirectory} is incomplete ({Reason}), most likely because an earlier first start was " +
            "killed. It was set aside as {SetAside} (nothing was deleted; remove it when you no longer need it) and a new cluster is being created.",
            DataDirectory, reason, target);
        return target;
    }

    /// <summary>initdb in a staging sibling, password authentication and the marker in it, then one rename into place.</summary>
    public async Task InitializeAsync(ClusterPasswords passwords, CancellationToken ct)
    {
        var staging = Path.Combine(Parent, Name + StagingInfix + Guid.NewGuid().ToString("N")[..10]);
        var passwordFile = Path.Combine(Parent, Name + ".initpw-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(staging);
        try
        {
            // initdb insists the (empty) directory belongs to the user it runs as, and must read the password file.
            await osUser.GiveOwnershipAsync(staging, recursive: false, ct).ConfigureAwait(false);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(passwordFile, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(passwords.Superuser + "\n").ConfigureAwait(false);
            }

            await osUser.GiveOwnershipAsync(passwordFile, recursive: false, ct).ConfigureAwait(false);

            CrashHook.Reached(CrashHook.BeforeInitDb);
            await control.InitDbAsync(staging, passwordFile, ct).ConfigureAwait(false);
            CrashHook.Reached(CrashHook.AfterInitDb);

            await ClusterSecurity.WriteManagedHbaAsync(staging, ct).ConfigureAwait(false);
            await WriteMarkerAsync(staging, ct).ConfigureAwait(false);
            CrashHook.Reached(CrashHook.AfterMarker);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        Directory.Move(staging, DataDirectory);
        logger.LogInformation("Created the embedded PostgreSQL cluster in {DataDirectory}", DataDirectory);
        CrashHook.Reached(CrashHook.AfterRename);
    }

    private static async Task WriteMarkerAsync(string dataDirectory, CancellationToken ct)
    {
        var path = Path.Combine(dataDirectory, MarkerFileName);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(
            $"TerraFlow finished initializing this cluster at {DateTime.UtcNow:O}. Without this file TerraFlow treats the folder as half-made.\n".AsMemory(),
            ct).ConfigureAwait(false);
        await writer.FlushAsync(ct).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }
}

internal enum ExistingCluster
{
    /// <summary>No data folder (or it was set aside): make a new cluster.</summary>
    None,

    /// <summary>Marked complete by TerraFlow.</summary>
    Complete,

    /// <summary>No marker but looks like a real cluster from an earlier version: start it and verify.</summary>
    Unverified,
}
