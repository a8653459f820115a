using TerraFlow.TerraformStandIn.Cli;
using TerraFlow.TerraformStandIn.Commands;

namespace TerraFlow.TerraformStandIn;

/// <summary>Handles the global options (<c>-chdir</c>, <c>-version</c>, <c>-help</c>) and dispatches.</summary>
internal static class StandInApp
{
    public static async Task<int> RunAsync(string[] args, string currentDirectory, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var workingDirectory = currentDirectory;
        var index = 0;
        for (; index < args.Length && args[index].StartsWith('-'); index++)
        {
            var arg = args[index];
            if (arg is "-chdir" || arg.StartsWith("-chdir=", StringComparison.Ordinal) || arg.StartsWith("--chdir", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0 || eq == arg.Length - 1)
                {
                    stderr.Write("Invalid -chdir option: must include an equals sign followed by a directory path, like -chdir=example\n");
                    return 1;
                }

                var dir = arg[(eq + 1)..];
                workingDirectory = Path.GetFullPath(dir, currentDirectory);
                if (!Directory.Exists(workingDirectory))
                {
                    stderr.Write($"Error handling -chdir option: chdir {dir}: no such file or directory\n");
                    return 1;
                }
            }
            else if (arg is "-version" or "--version" or "-v")
            {
                return VersionCommand.Run(new StandInContext(workingDirectory, stdout, stderr, cancellation), args[(index + 1)..]);
            }
            else if (arg is "-help" or "--help" or "-h")
            {
                stdout.Write(Usage.Main);
                return 0;
            }
            else
            {
                break;
            }
        }

        if (index >= args.Length)
        {
            // Real Terraform prints the help and exits 127 when run without a sub-command.
            stdout.Write(Usage.Main);
            return 127;
        }

        var command = args[index];
        var rest = args[(index + 1)..];
        var context = new StandInContext(workingDirectory, stdout, stderr, cancellation);
        if (rest.Any(a => a is "-help" or "--help" or "-h"))
        {
            stdout.Write(Usage.ForCommand(command));
            return 0;
        }

        try
        {
            return await DispatchAsync(context, command, rest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // e.g. -out into a missing folder: report like Terraform instead of crashing with a stack trace.
            stderr.Write($"\nError: {ex.Message}\n\n");
            return 1;
        }
    }

    private static async Task<int> DispatchAsync(StandInContext context, string command, string[] rest)
    {
        var stderr = context.Err;
        switch (command)
        {
            case "version":
                return VersionCommand.Run(context, rest);
            case "init":
                return await InitCommand.RunAsync(context, rest);
            case "plan":
                return await PlanCommand.RunAsync(context, rest);
            case "apply":
                return await ApplyCommand.RunAsync(context, rest);
            case "show":
                return ShowCommand.Run(context, rest);
            case "workspace":
                return WorkspaceCommand.Run(context, rest);
            case "validate":
                return ValidateCommand.Run(context, rest);
            default:
                if (Usage.UnimplementedRealCommands.Contains(command))
                {
                    stderr.Write($"Error: the TerraFlow Terraform stand-in does not implement \"terraform {command}\".\n");
                    return 1;
                }

                stderr.Write(Usage.UnknownCommand(command));
                return 1;
        }
    }
}
