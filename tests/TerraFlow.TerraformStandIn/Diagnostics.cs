namespace TerraFlow.TerraformStandIn;

/// <summary>
/// Writes errors the way Terraform does: with <c>-no-color</c> it uses the plain layout
/// (<c>Error: summary</c> + blank line + detail), otherwise the boxed layout (<c>╷ │ ╵</c>).
/// The stand-in never emits ANSI colour codes.
/// </summary>
internal static class Diagnostics
{
    public static void Error(StandInContext context, bool noColor, string summary, string? detail = null)
        => context.Err.Write(Format("Error", noColor, summary, detail));

    public static void Warning(StandInContext context, bool noColor, string summary, string? detail = null)
        => context.Out.Write(Format("Warning", noColor, summary, detail));

    public static string Format(string severity, bool noColor, string summary, string? detail)
    {
        var lines = new List<string> { $"{severity}: {summary}" };
        if (!string.IsNullOrEmpty(detail))
        {
            lines.Add(string.Empty);
            lines.AddRange(detail.Split('\n'));
        }

        if (noColor)
        {
            return "\n" + string.Join('\n', lines) + "\n\n";
        }

        var boxed = lines.Select(l => l.Length == 0 ? "│ " : "│ " + l);
        return "╷\n" + string.Join('\n', boxed) + "\n╵\n";
    }

    /// <summary>The error real Terraform prints when a command gets flags it does not know.</summary>
    public static int FlagError(StandInContext context, bool noColor, string command, string message)
    {
        Error(context, noColor, "Failed to parse command-line flags", message);
        context.Err.Write($"For more help on using this command, run:\n  terraform {command} -help\n");
        return 1;
    }

    public static int NotInitialized(StandInContext context, bool noColor)
    {
        Error(
            context,
            noColor,
            "Backend initialization required, please run \"terraform init\"",
            "Reason: Initial configuration of the requested backend \"local\"\n\n"
            + "The \"backend\" is the interface that Terraform uses to store state,\n"
            + "perform operations, etc. If this message is showing up, it means that the\n"
            + "Terraform configuration you're using is using a custom configuration for\n"
            + "the Terraform backend.\n\n"
            + "Changes to backend configurations require reinitialization. This allows\n"
            + "Terraform to set up the new configuration, copy existing state, etc. Please run\n"
            + "\"terraform init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to\n"
            + "use the current configuration.");
        return 1;
    }
}
