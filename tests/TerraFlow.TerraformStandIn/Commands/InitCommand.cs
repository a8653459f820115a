using TerraFlow.TerraformStandIn.Cli;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// <c>terraform init</c>: creates the data directory (<c>.terraform/</c> or TF_DATA_DIR) with a marker file
/// and a <c>.terraform.lock.hcl</c>, which is what later commands check for.
/// </summary>
internal static class InitCommand
{
    private static readonly string[] BoolFlags =
        ["input", "no-color", "upgrade", "reconfigure", "migrate-state", "force-copy", "get", "backend", "lock", "json", "ignore-remote-version"];

    private static readonly string[] ValueFlags =
        ["backend-config", "lock-timeout", "plugin-dir", "lockfile", "from-module", "test-directory"];

    public static async Task<int> RunAsync(StandInContext context, IReadOnlyList<string> args)
    {
        var flags = FlagSet.Parse(args, BoolFlags, ValueFlags);
        var noColor = flags.Bool("no-color");
        if (flags.Error is not null)
        {
            return Diagnostics.FlagError(context, noColor, "init", flags.Error);
        }

        if (flags.Positionals.Count > 0)
        {
            Diagnostics.Error(context, noColor, "Too many command line arguments", "Did you mean to use -chdir?");
            return 1;
        }

        // -backend-config takes either key=value or a file path; a missing file is an error in real Terraform.
        foreach (var config in flags.Values("backend-config"))
        {
            if (!config.Contains('=', StringComparison.Ordinal) && !File.Exists(context.Resolve(config)))
            {
                Diagnostics.Error(context, noColor, "Failed to read file", $"The file \"{config}\" could not be read.");
                return 1;
            }
        }

        if (await BehaviorHook.RunAsync(context, "init", noColor) is { } scripted)
        {
            return scripted;
        }

        Directory.CreateDirectory(context.DataDirectory);
        await File.WriteAllTextAsync(
            context.InitMarkerPath,
            $"initialized by the TerraFlow terraform stand-in v{StandInContext.TerraformVersion}\n",
            context.Cancellation);
        var lockFile = Path.Combine(context.WorkingDirectory, ".terraform.lock.hcl");
        if (!File.Exists(lockFile) || flags.Bool("upgrade"))
        {
            await File.WriteAllTextAsync(
                lockFile,
                "# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n",
                context.Cancellation);
        }

        context.Out.Write(
            "\nInitializing the backend...\n\nInitializing provider plugins...\n\n"
            + StandInIdentity.Product + " has been successfully initialized!\n\n"
            + "You may now begin working with Terraform. Try running \"terraform plan\" to see\n"
            + "any changes that are required for your infrastructure. All Terraform commands\n"
            + "should now work.\n\n"
            + "If you ever set or change modules or backend configuration for Terraform,\n"
            + "rerun this command to reinitialize your working directory. If you forget, other\n"
            + "commands will detect it and remind you to do so if necessary.\n");
        return 0;
    }
}
