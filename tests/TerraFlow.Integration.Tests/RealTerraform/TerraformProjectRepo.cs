using System.Diagnostics;
using System.Text.Json;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.RealTerraform;

/// <summary>
/// A repository with one Terraform project, <c>stack/</c>, whose state lives in a local backend outside the checkout
/// (every job clones afresh, so a state inside the checkout would be lost after each job). Only built-in resources
/// (<c>terraform_data</c>) are used: the real Terraform here cannot download providers.
/// </summary>
/// <remarks>
/// A runner started as root runs each job as a fresh uid by default (RunAs=job); a state file one job's uid wrote
/// (mode 0644) cannot be locked or written by the next job's uid. An operator who keeps state on a shared disk sets
/// a fixed uid instead (<see cref="RunnerUid"/>, TerraFlow__Runner__RunAs), and the state folder belongs to it.
/// </remarks>
internal sealed class TerraformProjectRepo : IDisposable
{
    public const string Project = "stack";

    /// <summary>The fixed, unprivileged uid the runner's Terraform runs as in these tests (when the tests run as root).</summary>
    public const int RunnerUid = 64_242;

    public TerraformProjectRepo(string? baseConfiguration = null)
    {
        StateFolder = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-tfstate-" + Guid.NewGuid().ToString("N")[..10]));
        HandStateToRunner();
        Git.Write("README.md", "# infra\n")
           .Write(".terraflow.yml", $"version: 1\nprojects:\n  - name: {Project}\n    dir: {Project}\n");
        if (baseConfiguration is not null) Git.Write($"{Project}/main.tf", Backend + baseConfiguration);
        BaseSha = Git.Commit("base");
        Git.Checkout("feature", create: true);
    }

    public TestGitRepository Git { get; } = TestGitRepository.Create();

    public string BaseSha { get; }

    /// <summary>Where the project's local backend keeps <c>terraform.tfstate</c>.</summary>
    public string StateFolder { get; }

    public string StatePath => Path.Combine(StateFolder, "terraform.tfstate");

    /// <summary>The backend block every version of <c>stack/main.tf</c> starts with.</summary>
    public string Backend => "terraform {\n  backend \"local\" {\n    path = " + JsonSerializer.Serialize(StatePath) + "\n  }\n}\n\n";

    /// <summary>Commits a new <c>stack/main.tf</c> (backend block added unless told not to) on the feature branch; returns the commit.</summary>
    public string CommitConfiguration(string configuration, string message, bool withBackend = true)
    {
        Git.Write($"{Project}/main.tf", (withBackend ? Backend : "") + configuration);
        return Git.Commit(message);
    }

    /// <summary>
    /// Applies the base branch's configuration with the real Terraform outside TerraFlow, the way the state of an
    /// existing stack came to be, and leaves the state writable by the runner's job users.
    /// </summary>
    public void ApplyBaseOutsideTerraFlow(string configuration)
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "terraflow-tfbase-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "main.tf"), Backend + configuration);
            RunTerraform(work, "init", "-input=false", "-no-color");
            RunTerraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        HandStateToRunner();
    }

    /// <summary>Whether the runner switches users (it does when it runs as root).</summary>
    public static bool RunnerSwitchesUser => Environment.UserName == "root";

    /// <summary>The state folder and all in it belong to <see cref="RunnerUid"/>, as on an operator's shared state disk.</summary>
    private void HandStateToRunner()
    {
        if (!RunnerSwitchesUser) return;
        var psi = new ProcessStartInfo("chown") { RedirectStandardError = true };
        foreach (var a in new[] { "-R", $"{RunnerUid}:{RunnerUid}", StateFolder }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chown of {StateFolder} failed: {stderr}");
    }

    /// <summary>The resources in the backend's state file, by address, with their attribute values.</summary>
    public IReadOnlyDictionary<string, JsonElement> StateResources()
    {
        Assert.True(File.Exists(StatePath), $"No state was written at {StatePath}.");
        using var doc = JsonDocument.Parse(File.ReadAllText(StatePath));
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var resource in doc.RootElement.GetProperty("resources").EnumerateArray())
        {
            var address = $"{resource.GetProperty("type").GetString()}.{resource.GetProperty("name").GetString()}";
            result[address] = resource.GetProperty("instances")[0].GetProperty("attributes").Clone();
        }
        return result;
    }

    private static void RunTerraform(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(RealTerraformBinary.Path) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CHECKPOINT_DISABLE"] = "1";
        psi.Environment["TF_IN_AUTOMATION"] = "1";
        psi.Environment.Remove("TF_CLI_CONFIG_FILE");
        using var process = Process.Start(psi)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"terraform {string.Join(' ', args)} failed (exit {process.ExitCode}):\n{stdoutTask.Result}\n{stderr}");
    }

    public void Dispose()
    {
        Git.Dispose();
        try { Directory.Delete(StateFolder, recursive: true); }
        catch (IOException) { } // best effort
    }
}
