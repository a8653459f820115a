namespace TerraFlow.TerraformStandIn;

/// <summary>
/// Which CLI the stand-in plays. Terraform and OpenTofu share the command-line contract, so one program answers as
/// both; started through the <c>tofu</c> app host (a copy of <c>terraform</c> the build writes next to it) it
/// reports itself as OpenTofu, in <c>version</c> and in the product name of its human-readable output, like the
/// real <c>tofu</c>.
/// </summary>
internal static class StandInIdentity
{
    public const string TofuVersion = "1.8.5";

    public static bool IsTofu { get; } =
        Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "").Equals("tofu", StringComparison.OrdinalIgnoreCase);

    /// <summary>"Terraform" or "OpenTofu", as the real CLIs name themselves in their output.</summary>
    public static string Product => IsTofu ? "OpenTofu" : "Terraform";

    /// <summary>The command name ("terraform" / "tofu") used in hints such as <c>run "tofu init"</c>.</summary>
    public static string Command => IsTofu ? "tofu" : "terraform";

    /// <summary>Reported by <c>version</c> and written into plan files and plan JSON.</summary>
    public static string Version => IsTofu ? TofuVersion : StandInContext.TerraformVersion;
}
