namespace TerraFlow.Core.Projects;

/// <summary>
/// Which CLI plans and applies the project, which version of it, and the project's own time limits. All optional:
/// null means the runner's setting (<c>TerraFlow__Runner__DefaultEngine</c>, the configured executable, the
/// server-wide <c>PlanTimeout</c> / <c>ApplyTimeout</c>). Like <c>dir</c> and <c>workspace</c> these come with the
/// project's shape from the head commit: they choose among binaries the operator installed and can only shorten
/// the operator's limits, never lengthen them.
/// </summary>
public sealed partial record ProjectDefinition
{
    /// <summary><see cref="ProjectEngines.Terraform"/> or <see cref="ProjectEngines.Tofu"/>; null = the runner's default.</summary>
    public string? Engine { get; init; }

    /// <summary>An exact version (<c>1.11.4</c>) the engine must have (<c>terraform_version</c> / <c>tofu_version</c>); null = whatever is installed.</summary>
    public string? EngineVersion { get; init; }

    /// <summary>The project's limit for each plan step; the runner uses the smaller of it and its own <c>PlanTimeout</c>.</summary>
    public TimeSpan? PlanTimeout { get; init; }

    /// <summary>The project's limit for <c>apply</c>; the runner uses the smaller of it and its own <c>ApplyTimeout</c>.</summary>
    public TimeSpan? ApplyTimeout { get; init; }
}
