using TerraFlow.Core.Jobs;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;

namespace TerraFlow.Runner.Sandbox;

/// <summary>
/// One job's private corner of the runner: a folder <c>&lt;WorkDirectory&gt;/tfjob-&lt;id&gt;/</c> (mode 0700, owned by the
/// job's user) holding the checkout, <c>home/</c> and <c>tmp/</c>, and the way every child of the job is started: as
/// <see cref="User"/>, with exactly the <see cref="ChildEnvironment"/> for its purpose. Deleted on dispose.
/// </summary>
public sealed class JobSandbox : IAsyncDisposable
{
    private readonly RunnerOptions _options;
    private readonly JobSpec? _spec;
    private readonly IReadOnlyDictionary<string, string?> _runnerEnvironment;

    private JobSandbox(RunnerOptions options, JobSpec? spec, string root, JobUser? user, IReadOnlyDictionary<string, string?> runnerEnvironment)
    {
        _options = options;
        _spec = spec;
        Root = root;
        User = user;
        _runnerEnvironment = runnerEnvironment;
    }

    /// <summary>The job's folder.</summary>
    public string Root { get; }

    /// <summary>Where the repository is cloned (git creates it).</summary>
    public string CheckoutPath => Path.Combine(Root, "checkout");

    public string Home => Path.Combine(Root, "home");

    public string Temp => Path.Combine(Root, "tmp");

    /// <summary>The OS identity of the job's children; null when they run as the runner (it is not root).</summary>
    public JobUser? User { get; }

    /// <summary>
    /// Creates the job's folder and adds every secret its children may receive (configured credentials) to
    /// <paramref name="masker"/> up front, so output that echoes them is masked whichever step prints it.
    /// </summary>
    public static JobSandbox Create(RunnerOptions options, JobSpec? spec, SecretMasker masker)
    {
        var user = JobUser.ForNewJob(options);
        // A job folder the workspace sweep knows (tfjob-<id> with its owner marker); the sandbox creates it.
        var root = Workspace.WorkspaceFolders.Reserve(options.WorkDirectory);
        var sandbox = new JobSandbox(options, spec, root, user, ChildEnvironment.OfThisProcess());
        try
        {
            sandbox.Prepare();
        }
        catch
        {
            _ = sandbox.DisposeAsync();
            throw;
        }
        foreach (var secret in sandbox.EnvironmentFor(ChildPurpose.Terraform).Secrets) masker.Add(secret);
        return sandbox;
    }

    private void Prepare()
    {
        var work = Directory.CreateDirectory(Path.GetFullPath(_options.WorkDirectory));
        if (User is not null && !OperatingSystem.IsWindows())
        {
            // Others may pass through the shared work folder to their own job folder, but not list it.
            work.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
        }
        foreach (var dir in new[] { Root, Home, Temp })
        {
            Directory.CreateDirectory(dir);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Local clone sources (paths, file://) belong to another user; git refuses those unless told they are safe.
        // Only global (HOME) config counts for that check, and this HOME is the job's.
        var gitConfig = Path.Combine(Home, ".gitconfig");
        File.WriteAllText(gitConfig, "[safe]\n\tdirectory = *\n");
        if (User is null) return;
        foreach (var path in new[] { Root, Home, Temp, gitConfig }) User.Own(path);
    }

    /// <summary>The complete environment of a child for <paramref name="purpose"/>.</summary>
    public ChildEnvironment EnvironmentFor(ChildPurpose purpose) =>
        ChildEnvironment.Build(purpose, _options, _spec, Home, Temp, _runnerEnvironment);

    public Task<ProcessResult> RunAsync(ChildPurpose purpose, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? extra, TimeSpan timeout, CancellationToken ct)
    {
        var (file, args) = Command(fileName, arguments);
        return ProcessRunner.RunAsync(file, args, workingDirectory, Environment(purpose, extra), timeout, ct);
    }

    public Task<ProcessResult> RunInterruptibleAsync(ChildPurpose purpose, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? extra, TimeSpan timeout, TimeSpan stopGrace, CancellationToken interrupt)
    {
        var (file, args) = Command(fileName, arguments);
        return ProcessRunner.RunInterruptibleAsync(file, args, workingDirectory, Environment(purpose, extra), timeout, stopGrace, interrupt);
    }

    /// <summary>Hands a file the runner wrote into the job's folder (e.g. the plan file of an apply) to the job's user.</summary>
    public void Own(string path) => User?.Own(path);

    private (string, IReadOnlyList<string>) Command(string fileName, IEnumerable<string> arguments) =>
        User is null ? (fileName, arguments.ToList()) : User.Wrap(fileName, arguments);

    private Dictionary<string, string?> Environment(ChildPurpose purpose, IReadOnlyDictionary<string, string?>? extra)
    {
        var env = new Dictionary<string, string?>(EnvironmentFor(purpose).Variables, StringComparer.Ordinal);
        if (extra is not null)
            foreach (var (name, value) in extra) env[name] = value;
        return env;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            // Never follows a symlink; removes the folder's owner marker too.
            Workspace.WorkspaceFolders.Release(Root);
        }
        catch (IOException) { /* best effort: the sweep deletes what is left */ }
        catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Creating a job's sandbox from a handler: a failure becomes the job's reported failure, not a crash.</summary>
internal static class Sandboxes
{
    public static JobSandbox Create(RunnerOptions options, JobSpec spec, SecretMasker masker)
    {
        try
        {
            return JobSandbox.Create(options, spec, masker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new Workspace.WorkspaceException($"The runner could not prepare the job's folder under {options.WorkDirectory}: {ex.Message}");
        }
    }
}
