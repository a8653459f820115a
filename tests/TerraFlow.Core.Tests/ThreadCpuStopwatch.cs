using System.Runtime.InteropServices;

namespace TerraFlow.Core.Tests;

/// <summary>
/// Measures the CPU time the calling thread spends, not wall-clock time. The bound tests assert that pathological input
/// costs little work; on a 2-core CI machine running several test assemblies at once, wall time also counts the time the
/// thread waited for a core, which says nothing about the algorithm. The measured code must run on this thread
/// (synchronous calls only). Linux only, like the rest of TerraFlow's test environment.
/// </summary>
internal sealed class ThreadCpuStopwatch
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID in <time.h> on Linux
    private readonly TimeSpan _start = Now();
    private TimeSpan? _stopped;

    public static ThreadCpuStopwatch StartNew() => new();

    public void Stop() => _stopped ??= Now();

    public TimeSpan Elapsed => (_stopped ?? Now()) - _start;

    public long ElapsedMilliseconds => (long)Elapsed.TotalMilliseconds;

    private static TimeSpan Now()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var spec) != 0)
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        return TimeSpan.FromTicks(spec.Seconds * TimeSpan.TicksPerSecond + spec.Nanoseconds / 100);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport, not LibraryImport: a blittable out struct needs no marshalling code, and LibraryImport would need
    // unsafe code enabled in the project.
    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clockId, out TimeSpec spec);
}
