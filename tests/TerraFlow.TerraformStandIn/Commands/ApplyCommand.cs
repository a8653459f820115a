using System.Security.Cryptography;
using System.Text;
using TerraFlow.TerraformStandIn.Cli;
using TerraFlow.TerraformStandIn.Plans;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// <c>terraform apply [options] [PLANFILE]</c>: "applies" a saved plan (or the workspace fixture when no file
/// is given), prints progress and <c>Apply complete!</c>, and appends a line to <c>.standin/applies.log</c>.
/// </summary>
internal static class ApplyCommand
{
    /// <summary>Environment variable naming an extra applies log (see <see cref="Behavior.AppliesLog"/>).</summary>
    public const string AppliesLogVariable = "TERRAFORM_STANDIN_APPLIES_LOG";

    private static readonly string[] BoolFlags =
        ["input", "auto-approve", "no-color", "lock", "refresh", "compact-warnings", "destroy", "refresh-only"];

    private static readonly string[] ValueFlags =
        ["lock-timeout", "var", "var-file", "parallelism", "target", "replace", "state", "state-out", "backup"];

    public static async Task<int> RunAsync(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, BoolFlags, ValueFlags);
        var noColor = flags.Bool("no-color");
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor, "apply", flags.Error);
        }

        if (flags.Positionals.Count > 1)
        {
            Diagnostics.Error(context, noColor, "Too many command line arguments", "Expected at most one positional argument: the saved plan file.");
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

        var planFile = flags.Positionals.Count == 1 ? flags.Positionals[0] : null;
        byte[] planJson;
        PlanModel plan;
        try
        {
            planJson = planFile is not null
                ? PlanFile.Read(context.Resolve(planFile))
                : PlanFixture.Load(PlanFixture.Locate(context, context.Workspace));
            plan = PlanModel.Parse(planJson);
        }
        catch (InvalidDataException ex)
        {
            var summary = planFile is null ? "Invalid stand-in plan fixture" : $"Failed to load \"{planFile}\" as a plan file";
            Diagnostics.Error(context, noColor, summary, ex.Message);
            return 1;
        }

        using var disposePlan = plan;
        if (planFile is null)
        {
            // Without a saved plan Terraform shows the plan and asks for approval.
            context.Out.Write(PlanRenderer.Render(plan));
            if (plan.HasChanges && !flags.Bool("auto-approve") && !Approved(context, flags))
            {
                Diagnostics.Error(context, noColor, "Apply cancelled.");
                return 1;
            }
        }

        if (await BehaviorHook.RunAsync(context, "apply", noColor) is { } scripted)
        {
            return scripted;
        }

        var output = new StringBuilder();
        ApplyProgress.Append(output, plan);
        output.Append('\n').Append(PlanRenderer.ApplyCompleteLine(plan)).Append('\n');
        ApplyProgress.AppendOutputs(output, plan);
        context.Out.Write(output.ToString());
        await RecordAsync(context, plan, planFile, planJson);
        return 0;
    }

    /// <summary>Mimics the interactive prompt; with <c>-input=false</c> there is nobody to say yes.</summary>
    private static bool Approved(StandInContext context, FlagSet flags)
    {
        if (!flags.Bool("input", defaultValue: true))
        {
            return false;
        }

        context.Out.Write("\nDo you want to perform these actions?\n  " + StandInIdentity.Product + " will perform the actions described above.\n"
                          + "  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
        return Console.In.ReadLine()?.Trim() == "yes";
    }

    /// <summary>One tab-separated line per successful apply, so tests can count and inspect applies.</summary>
    private static async Task RecordAsync(StandInContext context, PlanModel plan, string? planFile, byte[] planJson)
    {
        Directory.CreateDirectory(context.StandInDirectory);
        var line = string.Join(
            '\t',
            DateTime.UtcNow.ToString("O"),
            $"workspace={context.Workspace}",
            $"plan={planFile ?? "(none)"}",
            $"plan_sha256={Convert.ToHexStringLower(SHA256.HashData(planJson))}",
            $"added={plan.ToAdd}",
            $"changed={plan.ToChange}",
            $"destroyed={plan.ToDestroy}");
        await File.AppendAllTextAsync(Path.Combine(context.StandInDirectory, "applies.log"), line + "\n", context.Cancellation);
        foreach (var extra in ExtraLogs(context))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(extra)!);
            await File.AppendAllTextAsync(extra, line + "\n", context.Cancellation);
        }
    }

    /// <summary>Copies of the log outside the working directory: <c>applies_log</c> in behavior.json, then the environment.</summary>
    private static IEnumerable<string> ExtraLogs(StandInContext context)
    {
        if (Behavior.Load(context.StandInDirectory).AppliesLog is { Length: > 0 } fromBehavior)
        {
            yield return Path.GetFullPath(fromBehavior, context.WorkingDirectory);
        }

        if (Environment.GetEnvironmentVariable(AppliesLogVariable) is { Length: > 0 } fromEnvironment)
        {
            yield return Path.GetFullPath(fromEnvironment, context.WorkingDirectory);
        }
    }
}
