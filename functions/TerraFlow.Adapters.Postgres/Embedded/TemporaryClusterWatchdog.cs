using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// A throw-away cluster is a daemon that outlives its owner if the owner is killed — and test hosts are: vstest
/// kills the test process moments after the run ends, usually before any process-exit cleanup finishes. So each
/// throw-away cluster gets a tiny detached shell that waits for the owning process to disappear, then stops the
/// server (SIGQUIT, immediate) and deletes the cluster directory. It exits by itself once the directory is gone
/// (normal dispose), so it never outlives the cluster by more than a second.
/// </summary>
internal static class TemporaryClusterWatchdog
{
    // $1 = owner pid, $2 = cluster root. Only signals the pid from postmaster.pid if it is still a postgres process.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" && [ -d "$2" ]; do sleep 1; done
        [ -d "$2" ] || exit 0
        pid=$(head -n 1 "$2/data/postmaster.pid")
        if [ -n "$pid" ] && grep -qx postgres "/proc/$pid/comm"; then
          kill -QUIT "$pid"
          i=0
          while [ $i -lt 100 ] && [ -d "/proc/$pid" ] && ! grep -q ') Z' "/proc/$pid/stat"; do sleep 0.1; i=$((i+1)); done
        fi
        rm -rf "$2"
        """;

    public static void Start(string instanceRoot, ILogger logger)
    {
        // setsid -f double-forks, so the watchdog is neither our child nor in our process group: killing the test
        // host (or its process tree) does not take the watchdog with it.
        var detached = File.Exists("/usr/bin/setsid") || File.Exists("/bin/setsid");
        var startInfo = new ProcessStartInfo(detached ? "setsid" : "sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (detached)
        {
            startInfo.ArgumentList.Add("-f");
            startInfo.ArgumentList.Add("sh");
        }

        foreach (var argument in new[] { "-c", Script, "terraflow-pg-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), instanceRoot })
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(startInfo);
            if (detached)
            {
                process?.WaitForExit(5000); // setsid -f returns as soon as it has forked
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // Not fatal: the orphan reaper removes leftovers on the next start.
            logger.LogWarning(ex, "Could not start the cleanup watchdog for {Directory}", instanceRoot);
        }
    }
}
