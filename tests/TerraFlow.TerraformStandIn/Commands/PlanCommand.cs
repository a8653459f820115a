using TerraFlow.TerraformStandIn.Cli;
using TerraFlow.TerraformStandIn.Plans;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// <c>terraform plan</c>: replays the workspace's plan fixture, prints it like Terraform, optionally saves it
/// with <c>-out</c>, and returns 0/1 (or 0/1/2 with <c>-detailed-exitcode</c>).
/// </summary>
internal static class PlanCommand
{
    public const int ChangesPresentExitCode = 2;

    private const string Rule = "─────────────────────────────────────────────────────────────────────────────";

    private static readonly string[] BoolFlags =
        ["input", "no-color", "detailed-exitcode", "refresh", "lock", "destroy", "refresh-only", "compact-warnings"];

    private static readonly string[] ValueFlags =
        ["out", "lock-timeout", "var", "var-file", "parallelism", "target", "replace", "state", "generate-config-out"];

    public static async Task<int> RunAsync(StandInContext context, IReadOnlyList<string> args)
    {
        var exit = await RunPlanAsync(context, args);
        await PlansLog.AppendAsync(context, args, exit);
        return exit;
    }

    private static async Task<int> RunPlanAsync(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, BoolFlags, ValueFlags);
        var noColor = flags.Bool("no-color");
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor, "plan", flags.Error);
        }

        if (flags.Positionals.Count > 0)
        {
            Diagnostics.Error(context, noColor, "Too many command line arguments", "To specify a working directory for the plan, use the global -chdir flag.");
            return 1;
        }

        if (!context.IsInitialized)
        {
            return Diagnostics.NotInitialized(context, noColor);
        }

        if (VariableOptions.Validate(context, flags, noColor) is { } invalid)
        {
            return invalid;
        }

        if (await BehaviorHook.RunAsync(context, "plan", noColor) is { } scripted)
        {
            return scripted;
        }

        var workspace = context.Workspace;
        byte[] planJson;
        PlanModel plan;
        try
        {
            planJson = PlanFixture.Load(PlanFixture.Locate(context, workspace));
            plan = PlanModel.Parse(planJson);
        }
        catch (InvalidDataException ex)
        {
            Diagnostics.Error(context, noColor, "Invalid stand-in plan fixture", ex.Message);
            return 1;
        }

        using (plan)
        {
            var outPath = flags.Value("out");
            if (outPath is not null)
            {
                PlanFile.Write(context.Resolve(outPath), planJson, workspace);
            }

            context.Out.Write(PlanRenderer.Render(plan) + Footer(plan, outPath));
            return flags.Bool("detailed-exitcode") && plan.HasChanges ? ChangesPresentExitCode : 0;
        }
    }

    private static string Footer(PlanModel plan, string? outPath)
    {
        if (!plan.HasChanges)
        {
            return string.Empty;
        }

        if (outPath is null)
        {
            return $"\n{Rule}\n\nNote: You didn't use the -out option to save this plan, so Terraform can't\n"
                   + "guarantee to take exactly these actions if you run \"terraform apply\" now.\n";
        }

        return $"\n{Rule}\n\nSaved the plan to: {outPath}\n\n"
               + "To perform exactly these actions, run the following command to apply:\n"
               + $"    terraform apply \"{outPath}\"\n";
    }
}
