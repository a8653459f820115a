using TerraFlow.TerraformStandIn.Cli;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// Checks <c>-var</c> and <c>-var-file</c> the way real Terraform does before planning: a <c>-var</c> must be
/// <c>name=value</c> and a <c>-var-file</c> must exist. The values themselves are ignored (plans are replayed).
/// </summary>
internal static class VariableOptions
{
    /// <returns>1 after printing the error, or null when the options are fine.</returns>
    public static int? Validate(StandInContext context, FlagSet flags, bool noColor)
    {
        foreach (var assignment in flags.Values("var"))
        {
            if (assignment.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                Diagnostics.Error(
                    context,
                    noColor,
                    "Invalid -var option",
                    $"The given -var option \"{assignment}\" is not correctly specified. It must be a variable name and value separated an equals sign, like -var=\"key=value\".");
                return 1;
            }
        }

        foreach (var file in flags.Values("var-file"))
        {
            if (!File.Exists(context.Resolve(file)))
            {
                Diagnostics.Error(context, noColor, "Failed to read variables file", $"Given variables file {file} does not exist.");
                return 1;
            }
        }

        return null;
    }
}
