namespace TerraFlow.TerraformStandIn.Cli;

/// <summary>Help texts, trimmed from Terraform 1.9's own.</summary>
internal static class Usage
{
    public const string Main = """
        Usage: terraform [global options] <subcommand> [args]

        The available commands for execution are listed below.
        The primary workflow commands are given first, followed by
        less common or more advanced commands.

        Main commands:
          init          Prepare your working directory for other commands
          validate      Check whether the configuration is valid
          plan          Show changes required by the current configuration
          apply         Create or update infrastructure

        All other commands:
          show          Show the current state or a saved plan
          version       Show the current Terraform version
          workspace     Workspace management

        Global options (use these before the subcommand, if any):
          -chdir=DIR    Switch to a different working directory before executing the
                        given subcommand.
          -help         Show this help output, or the help for a specified subcommand.
          -version      An alias for the "version" subcommand.

        (This is the TerraFlow Terraform stand-in; see its README for the test contract.)

        """;

    /// <summary>Real Terraform sub-commands the stand-in recognises but does not implement.</summary>
    public static readonly HashSet<string> UnimplementedRealCommands = new(StringComparer.Ordinal)
    {
        "console", "destroy", "fmt", "force-unlock", "get", "graph", "import", "login", "logout",
        "metadata", "modules", "output", "providers", "refresh", "state", "taint", "test", "untaint",
    };

    public static string ForCommand(string command)
        => $"Usage: terraform [global options] {command} [options]\n\n"
           + "  See https://developer.hashicorp.com/terraform/cli/commands for the real options;\n"
           + "  the stand-in accepts the common ones and ignores those that only affect real providers.\n";

    public static string UnknownCommand(string command)
        => $"Terraform has no command named \"{command}\".\n\n"
           + "To see all of Terraform's top-level commands, run:\n  terraform -help\n\n" + Main;
}
