using System.Diagnostics;
using System.Text;

namespace TerraFlow.Runner.Processes;

/// <param name="Interrupted">The caller stopped the process (see <see cref="ProcessRunner.RunInterruptibleAsync"/>).</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public bool Interrupted { get; init; }
}

/// <summary>
/// Runs a child process with arguments passed as a list (never through a shell), captures its output, and kills the
/// whole process tree on timeout or cancellation so no Terraform provider is left running. A non-null environment is
/// the child's complete environment (the runner's jobs always pass one, see Sandbox/JobSandbox); null inherits this
/// process's environment and is for tools only (tests).
/// </summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout,
        CancellationToken ct)
    {
        using var running = RunningProcess.Start(fileName, arguments, workingDirectory, environment);
        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            await running.Process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            await running.KillAsync();
            ct.ThrowIfCancellationRequested();
            return running.Result(-1, timedOut: true);
        }
        return running.Finished();
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, for a process that must not be killed mid-way if it can be helped (terraform
    /// apply): when <paramref name="interrupt"/> fires or the timeout passes, the process first gets SIGINT, which
    /// Terraform treats as "finish the operations in flight, write the state, release the state lock, exit"; only
    /// if it is still running after <paramref name="stopGrace"/> is the process tree killed. Never throws on
    /// interruption: the result says <see cref="ProcessResult.Interrupted"/> or <see cref="ProcessResult.TimedOut"/>.
    /// </summary>
    public static async Task<ProcessResult> RunInterruptibleAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout,
        TimeSpan stopGrace,
        CancellationToken interrupt)
    {
        using var running = RunningProcess.Start(fileName, arguments, workingDirectory, environment);
        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(interrupt, timeoutCts.Token);
        try
        {
            await running.Process.WaitForExitAsync(linked.Token);
            return running.Finished();
        }
        catch (OperationCanceledException)
        {
            var interrupted = interrupt.IsCancellationRequested;
            if (PosixSignals.TryInterrupt(running.Process))
            {
                using var graceCts = new CancellationTokenSource(stopGrace);
                try
                {
                    await running.Process.WaitForExitAsync(graceCts.Token);
                    running.Process.WaitForExit(); // drains the asynchronous output readers
                    return running.Result(running.Process.ExitCode, timedOut: !interrupted) with { Interrupted = interrupted };
                }
                catch (OperationCanceledException) { /* ignored SIGINT for too long: kill below */ }
            }
            await running.KillAsync();
            return running.Result(-1, timedOut: !interrupted) with { Interrupted = interrupted };
        }
    }

    /// <summary>A started child process with its output being collected.</summary>
    private sealed class RunningProcess : IDisposable
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        private RunningProcess(Process process) => Process = process;

        public Process Process { get; }

        public static RunningProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
        {
            var startInfo = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var a in arguments) startInfo.ArgumentList.Add(a);
            if (environment is not null)
            {
                // A given environment is the child's whole environment: nothing of this process's (secrets, connection
                // strings, the App key) is inherited. Null values leave a name unset.
                startInfo.Environment.Clear();
                foreach (var (k, v) in environment)
                    if (v is not null) startInfo.Environment[k] = v;
            }

            var running = new RunningProcess(new Process { StartInfo = startInfo });
            var process = running.Process;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (running._stdout) running._stdout.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running._stderr) running._stderr.AppendLine(e.Data); };
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                running.Dispose();
                throw new InvalidOperationException($"Cannot start '{fileName}': {ex.Message}", ex);
            }
            process.StandardInput.Close(); // -input=false everywhere; a prompt must fail, not hang.
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return running;
        }

        public async Task KillAsync()
        {
            try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already exited */ }
            await Process.WaitForExitAsync(CancellationToken.None);
        }

        public ProcessResult Finished()
        {
            Process.WaitForExit(); // drains the asynchronous output readers
            return Result(Process.ExitCode, timedOut: false);
        }

        public ProcessResult Result(int exitCode, bool timedOut)
        {
            string stdout, stderr;
            lock (_stdout) stdout = _stdout.ToString();
            lock (_stderr) stderr = _stderr.ToString();
            return new ProcessResult(exitCode, stdout, stderr, timedOut);
        }

        public void Dispose() => Process.Dispose();
    }
}
