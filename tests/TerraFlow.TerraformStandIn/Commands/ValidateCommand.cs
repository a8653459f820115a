using TerraFlow.TerraformStandIn.Cli;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary><c>terraform validate [-json] [-no-color]</c>: always valid once initialised.</summary>
internal static class ValidateCommand
{
    public static int Run(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, ["json", "no-color"], ["test-directory"]);
        var noColor = flags.Bool("no-color");
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor, "validate", flags.Error);
        }

        if (!context.IsInitialized)
        {
            return Diagnostics.NotInitialized(context, noColor);
        }

        context.Out.Write(flags.Bool("json")
            ? "{\"format_version\":\"1.0\",\"valid\":true,\"error_count\":0,\"warning_count\":0,\"diagnostics\":[]}\n"
            : "Success! The configuration is valid.\n\n");
        return 0;
    }
}
