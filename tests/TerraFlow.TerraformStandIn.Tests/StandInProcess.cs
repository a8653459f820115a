using System.Diagnostics;

namespace TerraFlow.TerraformStandIn.Tests;

/// <summary>What one stand-in invocation returned.</summary>
public sealed record StandInResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built stand-in (<c>dotnet terraform.dll ...</c>) as a real child process, the same way a runner
/// launches real Terraform: argument list (no shell quoting), working directory and environment variables.
/// </summary>
public static class StandInProcess
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<StandInResult> RunAsync(
        string workingDirectory,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? stdin = null)
    {
        using var process = Start(workingDirectory, args, environment);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        return await CollectAsync(process, DefaultTimeout);
    }

    /// <summary>Starts without waiting, for tests that signal the process while it runs.</summary>
    public static Process Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(RepoPaths.StandInAssembly);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Never inherit a workspace selection from the machine running the tests.
        startInfo.Environment.Remove("TF_WORKSPACE");
        startInfo.Environment.Remove("TF_DATA_DIR");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet");
    }

    public static async Task<StandInResult> CollectAsync(Process process, TimeSpan timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"stand-in did not exit within {timeout}");
        }

        return new StandInResult(process.ExitCode, await stdout, await stderr);
    }
}
