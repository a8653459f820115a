using System.Security.Cryptography;
using System.Text;

namespace TerraFlow.Core.Drift;

/// <summary>When a project's next drift check is due: the schedule's tick plus the project's stable offset.</summary>
public static class DriftTimes
{
    /// <summary>
    /// The project's place in the window of every tick: SHA-256 of repository and project, reduced to [0, window) in
    /// whole seconds. Stable across hosts, restarts and versions (no process-random hashing), spread evenly, so one
    /// tick of a 500-project repository does not start 500 plans (and 500 VCS calls) at once.
    /// </summary>
    /// <param name="repository">Provider and full name, e.g. <c>host:acme/infra</c>.</param>
    public static TimeSpan Offset(string repository, string project, TimeSpan window)
    {
        var seconds = (long)window.TotalSeconds;
        if (seconds <= 0) return TimeSpan.Zero;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(repository + "\n" + project));
        var value = BitConverter.ToUInt64(hash, 0);
        return TimeSpan.FromSeconds((long)(value % (ulong)seconds));
    }

    /// <summary>
    /// The next tick to run after the one just due (or for a new schedule, <paramref name="lastTick"/> null): the first
    /// occurrence after the later of <paramref name="lastTick"/> and <c>now - offset</c>, so its due time
    /// (tick + offset) lies after <paramref name="now"/>. A host that was down over several ticks therefore runs the
    /// missed check once and continues with the next future tick, not once per missed tick.
    /// </summary>
    public static DateTimeOffset? NextTick(CronSchedule schedule, DateTimeOffset? lastTick, DateTimeOffset now, TimeSpan offset)
    {
        var from = now - offset;
        if (lastTick is { } last && last > from) from = last;
        return schedule.NextAfter(from);
    }
}
