using System.Runtime.InteropServices;

namespace TerraFlow.Runner.Workspace.Mirrors;

/// <summary>
/// An advisory <c>flock(2)</c> on a lock file, shared or exclusive. flock belongs to the open file description, so two
/// locks taken in the same process (two jobs of one runner) conflict exactly like locks of two runner processes sharing
/// the cache folder; the kernel drops it when the process dies, so a killed runner never leaves a mirror locked.
/// Waiting is polling with LOCK_NB (never a blocked thread-pool thread).
/// </summary>
internal sealed class FileLock : IDisposable
{
    private const int LockSh = 1, LockEx = 2, LockNb = 4, LockUn = 8;
    private const int ORdwr = 2, OCreat = 0x40, OCloexec = 0x80000;
    private const int EIntr = 4;

    private int _fd;

    private FileLock(int fd, bool exclusive)
    {
        _fd = fd;
        Exclusive = exclusive;
    }

    public bool Exclusive { get; private set; }

    /// <summary>
    /// Marks a use file as used now. Both runner caches (git mirrors, provider packages) keep one use file per entry,
    /// locked shared while a job uses the entry and exclusively by the trim; its modification time is the entry's "last
    /// used" for the trim's least-recently-used order. Best effort: a failure only makes the entry look older.
    /// </summary>
    public static void MarkUsed(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; null when it stayed taken that long (zero: try once).</summary>
    public static async Task<FileLock?> AcquireAsync(string path, bool exclusive, TimeSpan timeout, CancellationToken ct)
    {
        var fd = Open(path, ORdwr | OCreat | OCloexec, Convert.ToInt32("600", 8));
        if (fd < 0) throw new IOException($"Could not open the lock file '{path}': errno {Marshal.GetLastPInvokeError()}.");
        var held = new FileLock(fd, exclusive);
        try
        {
            if (await held.WaitForAsync(exclusive ? LockEx : LockSh, timeout, ct)) return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
        held.Dispose();
        return null;
    }

    /// <summary>Turns a shared lock into an exclusive one (or back); false when others kept it that long.</summary>
    public async Task<bool> ConvertAsync(bool exclusive, TimeSpan timeout, CancellationToken ct)
    {
        if (await WaitForAsync(exclusive ? LockEx : LockSh, timeout, ct))
        {
            Exclusive = exclusive;
            return true;
        }
        return false;
    }

    private async Task<bool> WaitForAsync(int operation, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (true)
        {
            if (Flock(_fd, operation | LockNb) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            if (errno != 11 /* EWOULDBLOCK */) throw new IOException($"flock failed: errno {errno}.");
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(delay, ct);
            delay = Math.Min(delay * 2, 100);
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        _ = Flock(fd, LockUn);
        _ = Close(fd);
    }

    // DllImport like Sandbox/JobUser: three plain system calls.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
