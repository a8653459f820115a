using TerraFlow.TerraformStandIn.Cli;
using TerraFlow.TerraformStandIn.Plans;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// <c>terraform show [-json] [-no-color] [FILE]</c>: with a saved plan, prints its JSON on one line or its
/// human rendering; without a file, shows the (always empty) state.
/// </summary>
internal static class ShowCommand
{
    public static int Run(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, ["json", "no-color"], []);
        var noColor = flags.Bool("no-color");
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor, "show", flags.Error);
        }

        if (flags.Positionals.Count > 1)
        {
            Diagnostics.Error(context, noColor, "Too many command line arguments", "Expected at most one positional argument.");
            return 1;
        }

        var json = flags.Bool("json");
        if (flags.Positionals.Count == 0)
        {
            context.Out.Write(json ? "{\"format_version\":\"1.0\"}\n" : "No state.\n");
            return 0;
        }

        var file = flags.Positionals[0];
        byte[] planJson;
        try
        {
            planJson = PlanFile.Read(context.Resolve(file));
            if (json)
            {
                // Exactly what was stored, on one line, like "terraform show -json".
                context.Out.Write(PlanFile.ToText(planJson) + "\n");
                return 0;
            }

            using var plan = PlanModel.Parse(planJson);
            context.Out.Write(PlanRenderer.Render(plan));
            return 0;
        }
        catch (InvalidDataException ex)
        {
            Diagnostics.Error(
                context,
                noColor,
                "Failed to read the given file as a state or plan file",
                $"Plan read error: couldn't load the provided path as a local plan file ({ex.Message})");
            return 1;
        }
    }
}
