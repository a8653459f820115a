namespace TerraFlow.TerraformStandIn;

/// <summary>
/// Runs the scripted part of a command before its real work: echo env vars, extra stdout,
/// the delay (interruptible by SIGINT/SIGTERM) and a forced exit code.
/// </summary>
internal static class BehaviorHook
{
    /// <summary>Exit code used when a signal interrupts the command (128 + SIGINT, like a shell).</summary>
    public const int InterruptedExitCode = 130;

    /// <returns>An exit code to stop with, or null to let the command continue normally.</returns>
    public static async Task<int?> RunAsync(StandInContext context, string command, bool noColor)
    {
        Behavior behavior;
        try
        {
            behavior = Behavior.Load(context.StandInDirectory);
        }
        catch (InvalidDataException ex)
        {
            Diagnostics.Error(context, noColor, "Invalid stand-in behavior file", ex.Message);
            return 1;
        }

        foreach (var name in behavior.PrintEnv)
        {
            context.Out.Write($"{name}={Environment.GetEnvironmentVariable(name)}\n");
        }

        if (behavior.Stdout(command) is { } extraOut)
        {
            context.Out.Write(EnsureNewline(extraOut));
        }

        var delay = behavior.DelayMilliseconds(command);
        if (delay > 0)
        {
            // Tells a test that the scripted wait has begun, i.e. the signal handlers are in place: an interrupt sent
            // before that (a slow start on a loaded machine) would end the process without Terraform's wording.
            Directory.CreateDirectory(context.DataDirectory);
            await File.WriteAllTextAsync(Path.Combine(context.DataDirectory, WaitingMarker(command)), "", CancellationToken.None);
            try
            {
                await Task.Delay(delay, context.Cancellation);
            }
            catch (OperationCanceledException)
            {
                // Same wording as Terraform's interrupt handler, so runners can match on it.
                context.Out.Write("\nInterrupt received.\nPlease wait for Terraform to exit or data loss may occur.\nGracefully shutting down...\n");
                Diagnostics.Error(context, noColor, "Operation cancelled");
                return InterruptedExitCode;
            }
        }

        var exit = behavior.ExitCode(command);
        if (exit is null or 0)
        {
            return null;
        }

        var stderr = behavior.Stderr(command) ?? $"Error: scripted {command} failure (stand-in behavior.json)";
        context.Err.Write(EnsureNewline(stderr));
        return exit;
    }

    private static string EnsureNewline(string text) => text.EndsWith('\n') ? text : text + "\n";

    /// <summary>The file (in the data directory) that says a scripted delay of <paramref name="command"/> is under way.</summary>
    public static string WaitingMarker(string command) => $"stand-in-{command}-waiting";
}
