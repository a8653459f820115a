using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// The unprivileged OS identity a job's children run as when the runner is root (CI, the default container). As
/// another uid, Terraform cannot read the runner's <c>/proc/&lt;pid&gt;/environ</c> nor its root-owned 0600 files (the
/// App key); with a fresh uid per job (<see cref="RunnerOptions.RunAs"/> = <c>job</c>) two jobs cannot read each
/// other's processes or checkouts either. The switch is util-linux <c>setpriv</c> (exec, same pid, so signals and
/// kills reach the real child), with supplementary groups cleared and no_new_privs set.
/// </summary>
public sealed record JobUser(uint Uid, uint Gid)
{
    /// <summary>Per-job uids come from [<see cref="JobUidBase"/>, + <see cref="JobUidCount"/>): far above any account.</summary>
    public const uint JobUidBase = 3_000_000_000;
    public const uint JobUidCount = 100_000_000;

    private static readonly Lazy<string?> SetprivPath = new(() => FindOnPath("setpriv"));

    /// <summary>The identity for a new job, or null when children run as the runner itself (not root, or RunAs=none).</summary>
    public static JobUser? ForNewJob(RunnerOptions options)
    {
        if (!IsRoot()) return null;
        var runAs = (options.RunAs ?? "").Trim();
        if (runAs.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (SetprivPath.Value is null)
            throw new InvalidOperationException("The runner runs as root and needs 'setpriv' (util-linux) to run git and Terraform as an unprivileged user; install util-linux, or set TerraFlow__Runner__RunAs=none (not recommended).");
        if (runAs.Length == 0 || runAs.Equals("job", StringComparison.OrdinalIgnoreCase))
        {
            var uid = JobUidBase + (uint)RandomNumberGenerator.GetInt32((int)JobUidCount);
            return new JobUser(uid, uid);
        }
        if (uint.TryParse(runAs, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return number == 0 ? throw new InvalidOperationException("TerraFlow__Runner__RunAs must not be uid 0.") : new JobUser(number, number);
        return FromPasswd(runAs) ?? throw new InvalidOperationException(
            $"TerraFlow__Runner__RunAs names the user '{runAs}', which is not in /etc/passwd (use a uid number, or 'job').");
    }

    /// <summary>The command line that runs <paramref name="fileName"/> as this user.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IEnumerable<string> arguments)
    {
        List<string> all =
        [
            "--reuid=" + Uid.ToString(CultureInfo.InvariantCulture),
            "--regid=" + Gid.ToString(CultureInfo.InvariantCulture),
            "--clear-groups",
            "--no-new-privs",
            "--",
            fileName,
        ];
        all.AddRange(arguments);
        return (SetprivPath.Value!, all);
    }

    /// <summary>Makes a folder or file the runner (root) created belong to this user.</summary>
    public void Own(string path)
    {
        if (LChown(path, Uid, Gid) != 0)
            throw new IOException($"Could not hand '{path}' to uid {Uid}: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Gives a path (not following a symlink) back to root, e.g. what a fetch as a job user left behind.</summary>
    public static void OwnByRoot(string path)
    {
        if (LChown(path, 0, 0) != 0)
            throw new IOException($"Could not hand '{path}' back to root: errno {Marshal.GetLastPInvokeError()}.");
    }

    public static bool IsRoot() => !OperatingSystem.IsWindows() && GetEuid() == 0;

    private static JobUser? FromPasswd(string name)
    {
        if (!File.Exists("/etc/passwd")) return null;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
                return uid == 0 ? throw new InvalidOperationException($"TerraFlow__Runner__RunAs names '{name}', which is uid 0.") : new JobUser(uid, gid);
        }
        return null;
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? ChildEnvironment.DefaultPath;
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    // DllImport, not LibraryImport (as in PosixSignals): two plain system calls.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int LChown(string path, uint uid, uint gid);
#pragma warning restore SYSLIB1054
}
