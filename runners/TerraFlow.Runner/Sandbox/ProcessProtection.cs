using System.Runtime.InteropServices;

namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// Makes the runner's process non-dumpable (<c>prctl(PR_SET_DUMPABLE, 0)</c>). Then a process of the same uid without
/// CAP_SYS_PTRACE can neither read its <c>/proc/&lt;pid&gt;/environ</c> or memory nor attach to it. This is what keeps
/// the host's environment (the App key in <c>TerraFlow__GitHub__PrivateKeyPem</c>, the signing key, connection
/// strings) from Terraform when the runner is not root and its children therefore share its uid (the runner image
/// runs as uid 10001). The flag is not inherited across exec, so children are ordinary processes. Cost: no core dumps
/// of the runner and no debugger attach without root.
/// </summary>
public static class ProcessProtection
{
    private const int PrSetDumpable = 4;
    private const int PrGetDumpable = 3;

    /// <summary>True when the process is (now) non-dumpable; false where this does not apply (not Linux).</summary>
    public static bool MakeUndumpable()
    {
        if (!OperatingSystem.IsLinux()) return false;
        return Prctl(PrSetDumpable, 0, 0, 0, 0) == 0 && IsUndumpable();
    }

    public static bool IsUndumpable() => OperatingSystem.IsLinux() && Prctl(PrGetDumpable, 0, 0, 0, 0) == 0;

#pragma warning disable SYSLIB1054 // as in PosixSignals: plain integers, no marshalling
    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
#pragma warning restore SYSLIB1054
}
