using System.Text;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Providers;

/// <summary>
/// Fetches one provider package into the cache's staging folder by letting Terraform (or OpenTofu) install it: a
/// scratch folder of the runner's own with a generated configuration that requires exactly that provider and version,
/// a lock file holding the project's hashes for it (so Terraform checks the download against them, and against the
/// registry's signature for <c>direct</c>), and a CLI configuration naming only the upstream. The runner, not the
/// job, runs it: nothing of the pull request runs here except the address, version and hashes, all validated by
/// <see cref="ProviderLockFile"/>. A runner running as root fetches as a fresh unprivileged uid (like a job, <see cref="RunnerOptions.RunAs"/>),
/// so Terraform's download and unzip of a package from a pull-request-chosen address never run as root; the result
/// is handed back to root, made read-only for others and hashed.
/// </summary>
internal sealed class ProviderFetch(ProviderCache cache, TimeSpan timeout, IReadOnlyDictionary<string, string> operatorEnvironment, string runAs)
{
    public const UnixFileMode ReadableDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode ReadableFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <param name="PackagePath">The complete package folder, ready to be renamed into the mirror.</param>
    public sealed record Result(string ScratchPath, string? PackagePath, string? Hash, string? Problem);

    public async Task<Result> FetchAsync(string executable, LockedProvider provider, CancellationToken ct)
    {
        var scratch = Path.Combine(cache.StagingPath, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(scratch, "home"));
            Directory.CreateDirectory(Path.Combine(scratch, "tmp"));
            var config = Path.Combine(scratch, "fetch.tfrc");
            await File.WriteAllTextAsync(config, ProviderCliConfig.Render(null, [], cache.Upstream), ct);
            await File.WriteAllTextAsync(Path.Combine(scratch, "main.tf"), Configuration(provider), ct);
            await File.WriteAllTextAsync(Path.Combine(scratch, ".terraform.lock.hcl"), LockFile(provider), ct);
            JobUser? user;
            try
            {
                user = JobUser.ForNewJob(new RunnerOptions { RunAs = runAs });
            }
            catch (InvalidOperationException ex)
            {
                return new Result(scratch, null, null, ex.Message);
            }
            if (user is not null)
            {
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                foreach (var path in Directory.EnumerateFileSystemEntries(scratch).Append(scratch)) user.Own(path);
            }

            IReadOnlyList<string> arguments = ["init", "-backend=false", "-input=false", "-no-color"];
            var (file, args) = user is null ? (executable, arguments) : user.Wrap(executable, arguments);
            var init = await ProcessRunner.RunAsync(file, args, scratch, Environment(scratch, config), timeout, ct);
            if (init.TimedOut) return new Result(scratch, null, null, $"init timed out after {timeout}");
            if (init.ExitCode != 0) return new Result(scratch, null, null, LastLines(init.StandardError.Length > 0 ? init.StandardError : init.StandardOutput));

            var installed = Path.Combine(scratch, ".terraform", "providers", provider.Address.Host, provider.Address.Namespace,
                provider.Address.Type, provider.Version, ProviderCache.Platform);
            var package = Path.Combine(scratch, "package");
            var info = new DirectoryInfo(installed);
            if (!info.Exists) return new Result(scratch, null, null, $"init succeeded but left no package for {ProviderCache.Platform}");
            if (info.LinkTarget is not null)
            {
                // An unpacked filesystem mirror upstream: Terraform linked to it; the cache keeps a copy of its own.
                if (!CopyRegularTree(new DirectoryInfo(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName), package))
                    return new Result(scratch, null, null, "the upstream's package holds something other than files and folders");
            }
            else
            {
                Directory.Move(installed, package);
            }
            if (user is not null) OwnTreeByRoot(new DirectoryInfo(package));
            MakeReadable(new DirectoryInfo(package));
            var hash = ProviderPackageHash.H1(package, ct);
            return hash is null
                ? new Result(scratch, null, null, "the package holds something other than files and folders")
                : new Result(scratch, package, hash, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Result(scratch, null, null, ex.Message);
        }
    }

    private static string Configuration(LockedProvider provider) =>
        "terraform {\n  required_providers {\n    p = {\n      source  = " + ProviderCliConfig.Quote(provider.Address.ToString())
        + "\n      version = " + ProviderCliConfig.Quote(provider.Version) + "\n    }\n  }\n}\n";

    private static string LockFile(LockedProvider provider)
    {
        var text = new StringBuilder();
        text.Append("provider ").Append(ProviderCliConfig.Quote(provider.Address.ToString())).AppendLine(" {");
        text.Append("  version     = ").AppendLine(ProviderCliConfig.Quote(provider.Version));
        // A bare version is an exact constraint; Terraform wants the recorded constraints in that normalized form.
        text.Append("  constraints = ").AppendLine(ProviderCliConfig.Quote(provider.Version));
        text.AppendLine("  hashes = [");
        foreach (var hash in provider.Hashes) text.Append("    ").Append(ProviderCliConfig.Quote(hash)).AppendLine(",");
        text.AppendLine("  ]");
        text.AppendLine("}");
        return text.ToString();
    }

    private Dictionary<string, string?> Environment(string scratch, string config)
    {
        var runner = ChildEnvironment.OfThisProcess();
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = runner.TryGetValue("PATH", out var path) && !string.IsNullOrEmpty(path) ? path : ChildEnvironment.DefaultPath,
            ["LANG"] = runner.TryGetValue("LANG", out var lang) && !string.IsNullOrEmpty(lang) ? lang : ChildEnvironment.DefaultLang,
        };
        foreach (var (name, value) in operatorEnvironment) env[name] = value;
        env["HOME"] = Path.Combine(scratch, "home");
        env["TMPDIR"] = Path.Combine(scratch, "tmp");
        env["TF_CLI_CONFIG_FILE"] = config;
        env["TF_IN_AUTOMATION"] = "1";
        env["TF_INPUT"] = "0";
        env["CHECKPOINT_DISABLE"] = "1";
        return env;
    }

    private static string LastLines(string text)
    {
        var lines = text.Trim().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith('╷') && !l.StartsWith('╵')).ToArray();
        return string.Join(' ', lines.Skip(Math.Max(0, lines.Length - 6)).Select(l => l.TrimStart('│', ' ')));
    }

    private static bool CopyRegularTree(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) return false;
            var destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo dir)
            {
                if (!CopyRegularTree(dir, destination)) return false;
            }
            else if (entry is FileInfo file)
            {
                file.CopyTo(destination);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, file.UnixFileMode);
            }
        }
        return true;
    }

    /// <summary>Everything the fetch's uid wrote becomes root's before it is hashed and enters the cache.</summary>
    private static void OwnTreeByRoot(DirectoryInfo dir)
    {
        JobUser.OwnByRoot(dir.FullName);
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo sub && entry.LinkTarget is null) OwnTreeByRoot(sub);
            else JobUser.OwnByRoot(entry.FullName);
        }
    }

    /// <summary>Folders 0755, files 0644 or 0755: jobs (other uids) read and run them; only the runner writes.</summary>
    private static void MakeReadable(DirectoryInfo dir)
    {
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(dir.FullName, ReadableDirectory);
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) continue;
            if (entry is DirectoryInfo sub) MakeReadable(sub);
            else File.SetUnixFileMode(entry.FullName, (entry.UnixFileMode & UnixFileMode.UserExecute) != 0 ? ReadableFile | Executable : ReadableFile);
        }
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            // Directory.Delete unlinks symlinks, it does not follow them.
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
