using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TerraFlow.Runner.Processes;

/// <summary>
/// Sends SIGINT to a child process. .NET can only kill (SIGKILL) another process; Terraform needs the interrupt
/// (what Ctrl-C sends) to stop gracefully: finish the calls in flight, persist state, release the state lock.
/// </summary>
internal static class PosixSignals
{
    private const int SigInt = 2;

    /// <summary>True when the signal was sent; false on Windows or when the process is gone.</summary>
    public static bool TryInterrupt(Process process)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            return !process.HasExited && Kill(process.Id, SigInt) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: with int arguments no marshalling code is generated, so the project needs no
    // unsafe code for one system call.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
