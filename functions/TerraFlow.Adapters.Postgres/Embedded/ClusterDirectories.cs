using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Where a cluster lives on disk. <see cref="InstanceRoot"/> is set only for throw-away clusters and is deleted
/// on dispose. Every directory the server writes is owned by the server account (see <see cref="PostgresOsUser"/>).
/// </summary>
internal sealed record ClusterDirectories(string DataDirectory, string LogFile, string? InstanceRoot)
{
    /// <summary>Prefix of throw-away cluster directories in the temp folder (the orphan reaper looks for it).</summary>
    public const string TempPrefix = "terraflow-pg-";

    /// <summary>File in a throw-away cluster's root naming the process that owns it.</summary>
    public const string OwnerFileName = "owner.pid";

    private const string LogFileName = "terraflow-postgres.log";

    /// <summary>True once initdb has completed in a throw-away cluster's data directory (persistent ones use the completion marker).</summary>
    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    public static async Task<ClusterDirectories> PrepareAsync(
        EmbeddedPostgresOptions options, PostgresOsUser osUser, ILogger logger, CancellationToken ct)
    {
        return options.Persistent
            ? await PreparePersistentAsync(Path.GetFullPath(options.DataDirectory!), osUser, logger, ct).ConfigureAwait(false)
            : await PrepareTemporaryAsync(osUser, ct).ConfigureAwait(false);
    }

    /// <summary>The temp folder throw-away clusters go in: the system temp path if the server account can reach it, else /tmp.</summary>
    public static async Task<string> TempBaseAsync(PostgresOsUser osUser, CancellationToken ct)
    {
        var temp = Path.GetFullPath(Path.GetTempPath());
        return await osUser.CanTraverseAsync(temp, ct).ConfigureAwait(false) ? temp : "/tmp";
    }

    private static async Task<ClusterDirectories> PreparePersistentAsync(
        string dataDirectory, PostgresOsUser osUser, ILogger logger, CancellationToken ct)
    {
        var parent = Path.GetDirectoryName(dataDirectory)!;
        Directory.CreateDirectory(parent);
        if (!await osUser.CanTraverseAsync(parent, ct).ConfigureAwait(false))
        {
            // Running as root in a checkout the postgres account cannot enter (e.g. under a 0700 home directory).
            // We do not loosen the user's permissions; we keep the cluster in a stable per-path folder under /tmp.
            var fallbackParent = Path.Combine("/tmp", "terraflow-" + ShortHash(dataDirectory));
            Directory.CreateDirectory(fallbackParent);
            MakeTraversable(fallbackParent);
            var fallback = Path.Combine(fallbackParent, "postgres");
            logger.LogWarning(
                "The postgres OS user cannot traverse {Parent}, so the embedded PostgreSQL data directory is {Fallback} instead of {Requested}. " +
                "Data there survives host restarts but not a reboot that clears /tmp; grant o+x on the parent directories to keep it in place.",
                parent, fallback, dataDirectory);
            dataDirectory = fallback;
        }

        // The data folder itself is not created here: a persistent cluster is made in a staging sibling and renamed
        // into place (PersistentClusterLayout), so its existence means it is complete.
        return new ClusterDirectories(dataDirectory, Path.Combine(dataDirectory, LogFileName), InstanceRoot: null);
    }

    private static async Task<ClusterDirectories> PrepareTemporaryAsync(PostgresOsUser osUser, CancellationToken ct)
    {
        var baseDirectory = await TempBaseAsync(osUser, ct).ConfigureAwait(false);

        // Unique per process and per call, so concurrent test processes never share a directory.
        var name = TempPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..10];
        var root = Path.Combine(baseDirectory, name);
        Directory.CreateDirectory(root);
        MakeTraversable(root);
        await File.WriteAllTextAsync(
            Path.Combine(root, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        await osUser.GiveOwnershipAsync(root, recursive: true, ct).ConfigureAwait(false);
        return new ClusterDirectories(data, Path.Combine(data, LogFileName), root);
    }

    private static void MakeTraversable(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(
                directory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
