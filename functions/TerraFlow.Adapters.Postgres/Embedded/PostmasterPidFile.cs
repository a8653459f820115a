using System.Globalization;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// The contents of a data directory's <c>postmaster.pid</c> (PostgreSQL 10+ layout: pid, data dir, start time,
/// port, socket dir, listen address, shared memory key, status). Lets a restarted host find a server that its
/// crashed predecessor left running, and lets tests find the postmaster to kill.
/// </summary>
public sealed record PostmasterPidFile(int ProcessId, int Port, string Status)
{
    public const string FileName = "postmaster.pid";

    /// <summary>The parsed file, or null when there is none (server stopped cleanly) or it is half-written.</summary>
    public static PostmasterPidFile? TryRead(string dataDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(dataDirectory, FileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 4 ||
            !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ||
            !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var status = lines.Length >= 8 ? lines[7].Trim() : string.Empty;
        return new PostmasterPidFile(pid, port, status);
    }

    /// <summary>True when the recorded pid is alive and is a postgres process (not a recycled pid, not a zombie).</summary>
    public bool IsPostgresAlive() => ReadProcessState() is { } state && state.State != 'Z' && state.Name is "postgres" or "postmaster";

    /// <summary>True when the recorded pid exists at all: a live process of any kind, or a zombie.</summary>
    public bool ProcessExists() => ReadProcessState() is not null;

    /// <summary>
    /// Name and state from /proc/&lt;pid&gt;/stat ("pid (name) S ..."). A killed postmaster lingers as a zombie until
    /// its parent (often init) reaps it; it must count as gone, or we would wait for a server that no longer exists.
    /// </summary>
    private (string Name, char State)? ReadProcessState()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{ProcessId.ToString(CultureInfo.InvariantCulture)}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length)
            {
                return null;
            }

            return (stat[(open + 1)..close], stat[close + 2]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
