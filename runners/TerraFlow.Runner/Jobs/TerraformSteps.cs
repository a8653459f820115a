using System.Text;
using TerraFlow.Core.Security;
using TerraFlow.Runner.Processes;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Runner.Jobs;

/// <summary>
/// Runs Terraform (or OpenTofu, see <see cref="EngineSelection"/>) commands in one project directory and keeps a masked log of all of them, in order,
/// the way a user reading the log expects to see it. Terraform runs in the job's sandbox: as the job's OS user, with
/// the allow-listed environment (Sandbox/ChildEnvironment).
/// </summary>
internal sealed class TerraformSteps(RunnerOptions options, EngineChoice engine, string projectDirectory, string workspace, SecretMasker masker, JobSandbox sandbox)
{
    private readonly StringBuilder _log = new();

    public string Log => Truncate(masker.Apply(_log.ToString()), options.MaxLogCharacters);

    /// <summary>
    /// Variables a custom workflow adds (its <c>env</c> steps and the <c>PLANFILE</c>-style names, see
    /// Workflows/WorkflowStepRunner): every later command of the job gets them, Terraform included.
    /// </summary>
    public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A custom workflow's <c>run</c> command: <c>/bin/sh -c</c> in the project directory, as the job's user, with the
    /// same allow-listed environment Terraform gets. The command text comes from the base branch (see WorkflowRules).
    /// </summary>
    public async Task<ProcessResult> RunShellAsync(string command, TimeSpan timeout, CancellationToken ct)
    {
        _log.Append("$ ").AppendLine(command);
        var result = await sandbox.RunAsync(ChildPurpose.Terraform, "/bin/sh", ["-c", command], projectDirectory, Environment(), timeout, ct);
        _log.Append(result.StandardOutput);
        if (result.StandardError.Length > 0) _log.Append(result.StandardError);
        _log.AppendLine(result.TimedOut ? $"(timed out after {timeout})" : $"(exit {result.ExitCode})");
        return result;
    }

    public async Task<ProcessResult> RunAsync(string[] args, TimeSpan timeout, CancellationToken ct)
    {
        _log.Append("$ ").Append(engine.Command).Append(' ').AppendJoin(' ', args).AppendLine();
        var result = await sandbox.RunAsync(ChildPurpose.Terraform, engine.Executable, args, projectDirectory, Environment(), timeout, ct);
        _log.Append(result.StandardOutput);
        if (result.StandardError.Length > 0) _log.Append(result.StandardError);
        _log.AppendLine(result.TimedOut ? $"(timed out after {timeout})" : $"(exit {result.ExitCode})");
        return result;
    }

    /// <summary>
    /// A step that must not be killed outright (apply): <paramref name="interrupt"/> or the timeout sends SIGINT
    /// first and kills only after <paramref name="stopGrace"/>; the result says so instead of throwing.
    /// </summary>
    public async Task<ProcessResult> RunInterruptibleAsync(string[] args, TimeSpan timeout, TimeSpan stopGrace, CancellationToken interrupt)
    {
        _log.Append("$ ").Append(engine.Command).Append(' ').AppendJoin(' ', args).AppendLine();
        var result = await sandbox.RunInterruptibleAsync(ChildPurpose.Terraform, engine.Executable, args, projectDirectory, Environment(), timeout, stopGrace, interrupt);
        _log.Append(result.StandardOutput);
        if (result.StandardError.Length > 0) _log.Append(result.StandardError);
        _log.AppendLine(result.Interrupted ? "(interrupted: the runner was stopping)" : result.TimedOut ? $"(timed out after {timeout})" : $"(exit {result.ExitCode})");
        return result;
    }

    /// <summary>Appends a line of TerraFlow's own to the log (e.g. why nothing ran).</summary>
    public void Note(string line) => _log.AppendLine(line);

    /// <summary>The last <paramref name="lines"/> lines of a step's output (stdout then stderr), masked.</summary>
    public string Tail(ProcessResult result, int lines)
    {
        // Mask the whole output first: cutting first could leave part of a secret that no longer matches.
        var all = masker.Apply(result.StandardOutput + result.StandardError).TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>Plan text goes into PR comments: mask it like the log.</summary>
    public string Mask(string text) => masker.Apply(text);

    /// <summary>The reason a step failed, masked and short enough for a PR comment.</summary>
    public string Failure(string step, ProcessResult result, TimeSpan timeout)
    {
        if (result.TimedOut) return $"{engine.Command} {step} timed out after {timeout}.";
        var detail = result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput;
        return Truncate(masker.Apply($"{engine.Command} {step} failed (exit {result.ExitCode}):\n{detail.Trim()}"), 8_000);
    }

    private Dictionary<string, string?> Environment()
    {
        var env = new Dictionary<string, string?>
        {
            ["TF_IN_AUTOMATION"] = "1",
            ["TF_INPUT"] = "0",
            ["CHECKPOINT_DISABLE"] = "1",
        };
        // TF_WORKSPACE selects the workspace without a separate `workspace select` step.
        env["TF_WORKSPACE"] = workspace == "default" ? null : workspace;
        foreach (var (name, value) in Variables) env[name] = value;
        return env;
    }

    private static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max / 2), "\n… (output truncated) …\n", text.AsSpan(text.Length - max / 2));
}
