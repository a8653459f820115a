using TerraFlow.Core.Catalog;
using TerraFlow.Core.Plans;

namespace TerraFlow.Core.Drift;

/// <summary>Where a project stands after its last drift check. Stored as snake_case text (<c>drifted</c>).</summary>
public enum DriftState
{
    /// <summary>Never checked (drift detection off, or not yet due).</summary>
    Never,

    /// <summary>The last check planned no changes (<c>terraform plan -detailed-exitcode</c> exit 0).</summary>
    Clean,

    /// <summary>The last check planned changes (exit 2): the real infrastructure differs from the code.</summary>
    Drifted,

    /// <summary>The last check could not tell (clone, init or plan error, timeout): neither drifted nor clean.</summary>
    Failed,
}

/// <summary>A resource whose real state differs from the code, as the drift plan reports it.</summary>
/// <param name="Address">The resource address, e.g. <c>module.net.azurerm_subnet.a</c>.</param>
/// <param name="Action">What the plan would do: <c>create</c>, <c>update</c>, <c>delete</c>, <c>replace</c>, …</param>
public sealed record DriftedResource(string Address, string Action);

/// <summary>
/// The outcome of one drift check of one project, handed to the reporters (VCS issue, outbound webhook). Texts are
/// already masked the way pull-request comments are; nothing here may carry a secret.
/// </summary>
/// <param name="PreviousState">The project's state before this check, so a reporter knows "found" from "still" from "resolved".</param>
/// <param name="FirstDetectedAt">When the current drift was first seen; null unless <see cref="State"/> is Drifted.</param>
/// <param name="PlanSummary">The masked plan summary (the same text a PR comment shows); null when the check failed.</param>
/// <param name="Failure">Why the check failed (init error, timeout); null unless Failed.</param>
/// <param name="LockHolder">The open pull request holding the project's lock during the check, e.g. <c>#12</c>; null when unlocked.</param>
/// <param name="RunUrl">The run's page or API address, for links in issues and webhooks.</param>
public sealed record DriftCheckResult(
    Repository Repository,
    Project Project,
    long RunId,
    string CommitSha,
    DriftState State,
    DriftState PreviousState,
    DateTimeOffset CheckedAt,
    DateTimeOffset? FirstDetectedAt,
    PlanCounts? Counts,
    IReadOnlyList<DriftedResource> Resources,
    string? PlanSummary,
    string? Failure,
    string? LockHolder,
    string? RunUrl);
