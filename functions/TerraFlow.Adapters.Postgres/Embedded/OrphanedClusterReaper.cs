using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Throw-away clusters are daemons: if a test process is killed before it disposes its cluster, the server keeps
/// running and its temp directory stays. Before starting a new throw-away cluster we stop and delete those whose
/// owning process (recorded in owner.pid) no longer exists, so CI machines do not accumulate servers.
/// </summary>
internal static class OrphanedClusterReaper
{
    public static async Task ReapAsync(PostgresBinaries binaries, PostgresOsUser osUser, ILogger logger, CancellationToken ct)
    {
        string[] candidates;
        try
        {
            var baseDirectory = await ClusterDirectories.TempBaseAsync(osUser, ct).ConfigureAwait(false);
            candidates = Directory.GetDirectories(baseDirectory, ClusterDirectories.TempPrefix + "*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var root in candidates)
        {
            if (!IsOrphan(root))
            {
                continue;
            }

            try
            {
                var data = Path.Combine(root, "data");
                if (PostmasterPidFile.TryRead(data) is { } pidFile && pidFile.IsPostgresAlive())
                {
                    await osUser.RunAsync(binaries.PgCtl, ["stop", "-D", data, "-m", "immediate", "-w", "-t", "20"], TimeSpan.FromSeconds(30), ct)
                        .ConfigureAwait(false);
                }

                Directory.Delete(root, recursive: true);
                logger.LogInformation("Removed orphaned test PostgreSQL cluster {Directory}", root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException)
            {
                // Another process may be reaping the same directory right now; leaving it is harmless.
                logger.LogDebug(ex, "Could not remove orphaned cluster {Directory}", root);
            }
        }
    }

    private static bool IsOrphan(string root)
    {
        try
        {
            var owner = File.ReadAllText(Path.Combine(root, ClusterDirectories.OwnerFileName)).Trim();
            return int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                   pid != Environment.ProcessId &&
                   !Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // no owner file yet: being created right now
        }
    }
}
