namespace TerraFlow.TerraformStandIn;

/// <summary>
/// Everything a sub-command needs about the invocation: the working directory (after <c>-chdir</c>),
/// the selected workspace, the output streams and the cancellation raised by SIGINT/SIGTERM.
/// </summary>
internal sealed class StandInContext
{
    public const string TerraformVersion = "1.9.8";
    public const string Platform = "linux_amd64";
    public const string DefaultWorkspace = "default";

    private const string InitMarkerName = "standin-initialized";

    public StandInContext(string workingDirectory, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        WorkingDirectory = workingDirectory;
        Out = stdout;
        Err = stderr;
        Cancellation = cancellation;

        // Real Terraform honours TF_DATA_DIR (relative to the working directory) instead of ".terraform".
        var dataDir = Environment.GetEnvironmentVariable("TF_DATA_DIR");
        DataDirectory = Path.GetFullPath(string.IsNullOrEmpty(dataDir) ? ".terraform" : dataDir, workingDirectory);
    }

    public string WorkingDirectory { get; }

    public string DataDirectory { get; }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Folder holding the test fixtures and the apply log (<c>.standin/</c>).</summary>
    public string StandInDirectory => Path.Combine(WorkingDirectory, ".standin");

    public string InitMarkerPath => Path.Combine(DataDirectory, InitMarkerName);

    public bool IsInitialized => File.Exists(InitMarkerPath);

    /// <summary>
    /// TF_WORKSPACE wins (as in real Terraform), then the workspace chosen by <c>workspace select</c>
    /// (stored in <c>.terraform/environment</c>, the real file name), then "default".
    /// </summary>
    public string Workspace
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("TF_WORKSPACE");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }

            var selected = SelectedWorkspaceFromFile();
            return string.IsNullOrEmpty(selected) ? DefaultWorkspace : selected;
        }
    }

    public bool WorkspaceOverriddenByEnvironment
        => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_WORKSPACE"));

    public string EnvironmentFilePath => Path.Combine(DataDirectory, "environment");

    /// <summary>Resolves a user-supplied path (plan file, var file) against the working directory.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);

    private string? SelectedWorkspaceFromFile()
        => File.Exists(EnvironmentFilePath) ? File.ReadAllText(EnvironmentFilePath).Trim() : null;
}
