using TerraFlow.TerraformStandIn.Cli;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary><c>terraform version [-json]</c>, also reached through <c>-version</c>, <c>--version</c>, <c>-v</c>.</summary>
internal static class VersionCommand
{
    public static int Run(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, ["json"], []);
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor: true, "version", flags.Error);
        }

        if (flags.Bool("json"))
        {
            // Same keys and 2-space indentation as Terraform's own "version -json".
            context.Out.Write(
                "{\n"
                + $"  \"terraform_version\": \"{StandInIdentity.Version}\",\n"
                + $"  \"platform\": \"{StandInContext.Platform}\",\n"
                + "  \"provider_selections\": {},\n"
                + "  \"terraform_outdated\": false\n"
                + "}\n");
            return 0;
        }

        context.Out.Write($"{StandInIdentity.Product} v{StandInIdentity.Version}\non {StandInContext.Platform}\n");
        return 0;
    }
}
