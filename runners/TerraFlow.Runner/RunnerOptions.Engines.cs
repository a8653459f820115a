namespace TerraFlow.Runner;

public sealed partial class RunnerOptions
{
    /// <summary>
    /// The engine of projects that do not name one (<c>engine:</c> in <c>.terraflow.yml</c>): <c>terraform</c> or
    /// <c>tofu</c> (env <c>TerraFlow__Runner__DefaultEngine</c>).
    /// </summary>
    public string DefaultEngine { get; set; } = "terraform";

    /// <summary>The OpenTofu executable (env <c>TerraFlow__Runner__TofuPath</c>); a bare name is looked up on PATH.</summary>
    public string TofuPath { get; set; } = "tofu";

    /// <summary>
    /// More installed versions, per engine: <c>TerraFlow__Runner__Versions__Terraform__1.5.7=/opt/terraform/1.5.7/terraform</c>
    /// (<c>1_5_7</c> works too, for environments whose variable names cannot hold dots). A project's
    /// <c>terraform_version</c> / <c>tofu_version</c> picks one of these, or the engine's default executable
    /// (<see cref="TerraformPath"/>, <see cref="TofuPath"/>) when that reports the wanted version.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Versions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
