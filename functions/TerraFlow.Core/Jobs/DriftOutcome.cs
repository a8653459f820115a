using TerraFlow.Core.Drift;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Jobs;

/// <summary>
/// What a drift job found. <paramref name="Config"/> is the default branch's drift configuration read by the same
/// job (how TerraFlow learns and refreshes each repository's schedules); null when the clone itself failed.
/// </summary>
/// <param name="CommitSha">The default branch's head the check ran at; null when it could not be resolved.</param>
/// <param name="ProjectName">The project checked; null for a configuration-only job.</param>
/// <param name="State">Drifted (plan exit 2), Clean (exit 0) or Failed (anything else: clone, init, plan, timeout).</param>
/// <param name="Summary">The masked plan (resources that would change); null unless the plan ran.</param>
/// <param name="Failure">Masked reason when Failed.</param>
public sealed record DriftOutcome(
    string? CommitSha,
    string? ProjectName,
    DriftState State,
    PlanSummary? Summary,
    string? Failure,
    DriftConfigReport? Config)
{
    /// <summary>Artifact key of the masked log of the check (init, plan, show), when one was stored.</summary>
    public string? Log { get; init; }

    /// <summary>The masked plan text (<c>terraform show</c>), shortened, for reports.</summary>
    public string? PlanText { get; init; }
}

/// <summary>The default branch's drift configuration: every project with its <c>drift:</c> keys, or the file's error.</summary>
public sealed record DriftConfigReport(ConfigError? Error, IReadOnlyList<DriftProjectConfig> Projects);

/// <param name="Drift">The project's <c>drift:</c> keys (its own over the top level's); null = none set (server default applies).</param>
public sealed record DriftProjectConfig(string Name, string Dir, string Workspace, DriftSettings? Drift);
