using TerraFlow.Core.Plans;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Jobs;

/// <summary>What a runner is asked to do. Serialized as JSON into the job transport; keep it small (no artifacts).</summary>
public sealed record JobSpec(
    string Kind,
    long RunId,
    string RepoOwner,
    string RepoName,
    long? InstallationId,
    string CloneUrl,
    string HeadSha,
    string BaseSha,
    /// <summary>For <see cref="JobKinds.Plan"/>: the project to plan.</summary>
    ProjectDefinition? Project,
    /// <summary>Correlates logs and telemetry from the webhook through the runner.</summary>
    string OperationId)
{
    /// <summary>The pull request's number, so a runner can ask the VCS host what a webhook did not say (e.g. the base commit).</summary>
    public int? PullRequestNumber { get; init; }

    /// <summary>For <see cref="JobKinds.Apply"/>: artifact key of the stored plan file to apply.</summary>
    public string? PlanFile { get; init; }

    /// <summary>For <see cref="JobKinds.Apply"/>: SHA-256 (hex) the plan file must have; the runner refuses anything else.</summary>
    public string? PlanSha256 { get; init; }

    /// <summary>
    /// The run's VCS provider (as in <see cref="Workflow.RunContext.Provider"/>): the runner takes the clone token and
    /// the way git presents it from that provider. Null in jobs queued before specs named one; those belong to the
    /// original provider (the adapters resolve it).
    /// </summary>
    public string? Provider { get; init; }

    /// <summary>
    /// The job runs code from a pull request TerraFlow does not trust (a fork, or an author without write access, with
    /// <c>TerraFlow__PullRequests__ForkPlans=restricted</c>). The runner gives it no operator credentials and no
    /// configured environment, only the base environment; the clone credential reaches git alone, never Terraform.
    /// Such runs never get an apply job, and a runner refuses an apply job with this flag.
    /// </summary>
    public bool Untrusted { get; init; }
}

public static class JobKinds
{
    /// <summary>Clone, read <c>.terraflow.yml</c> (or autodiscover), and work out the affected projects.</summary>
    public const string Discover = "discover";

    /// <summary>terraform init + plan + show for one project.</summary>
    public const string Plan = "plan";

    /// <summary>terraform init + apply of exactly the approved plan file. Never retried automatically.</summary>
    public const string Apply = "apply";

    /// <summary>
    /// A drift check: clone the default branch's head, read its drift configuration and, when the job names a
    /// project, <c>terraform plan -detailed-exitcode</c> it (refresh on). Never applies.
    /// </summary>
    public const string Drift = "drift";
}

/// <summary>A job a runner holds. <see cref="LeaseToken"/> fences the holder: a stale holder's writes are refused.</summary>
public sealed record JobLease(long JobId, long LeaseToken, int Attempt, JobSpec Spec)
{
    /// <summary>How long the job waited to be claimed since it became available, when the transport knows (metrics only).</summary>
    public double? QueueWaitMs { get; init; }
}

/// <summary>What a runner reports back. Exactly one of the kind-specific parts is set.</summary>
public sealed record JobResult(
    long JobId,
    long RunId,
    string Kind,
    DiscoveryOutcome? Discovery,
    PlanOutcome? Plan)
{
    public ApplyOutcome? Apply { get; init; }

    /// <summary>For <see cref="JobKinds.Drift"/>.</summary>
    public DriftOutcome? Drift { get; init; }
}

/// <param name="AllProjects">Every project of the repository (so <c>-p name</c> can address an unaffected one).</param>
/// <param name="AffectedProjects">Names of the projects the pull request's changes affect.</param>
public sealed record DiscoveryOutcome(
    bool Succeeded,
    ConfigError? ConfigError,
    string? FailureMessage,
    IReadOnlyList<ProjectDefinition> AllProjects,
    IReadOnlyList<string> AffectedProjects)
{
    /// <summary>Project name → CODEOWNERS owners (<c>@user</c>, <c>@org/team</c>) of its changed files; empty without a CODEOWNERS file.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CodeOwners { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Set when the pull request changes rule files (<c>.terraflow.yml</c>, CODEOWNERS, policy folders): markdown saying
    /// the rules come from the base branch, so the changes take effect after merge, and which keys were ignored.
    /// </summary>
    public string? RuleNotice { get; init; }

    /// <summary>
    /// Project name → <see cref="Projects.ProjectFingerprint"/> of its inputs at the head commit; a project without
    /// one (symlinked inputs, or a runner from before fingerprints) is always planned again.
    /// </summary>
    public IReadOnlyDictionary<string, string> Fingerprints { get; init; } = new Dictionary<string, string>();

    /// <summary>The base commit discovery measured the changes from (the runner resolves it when the webhook lacked it).</summary>
    public string? BaseSha { get; init; }
}

public sealed record PlanArtifacts(string PlanFile, string PlanJson, string PlanText, string Log);

/// <param name="Error">Masked, human-readable reason when the plan failed.</param>
public sealed record PlanOutcome(
    string ProjectName,
    bool Succeeded,
    PlanSummary? Summary,
    string? PlanFileSha256,
    PlanArtifacts? Artifacts,
    string? Error)
{
    /// <summary>Built-in rules and conftest results for the plan; null when the plan failed.</summary>
    public PolicyOutcome? Policy { get; init; }

    /// <summary>Outputs of the project's custom workflow <c>run</c> steps (masked), in order; empty without one.</summary>
    public IReadOnlyList<CustomWorkflows.StepOutput> StepOutputs { get; init; } = [];
}

/// <param name="Interrupted">The apply did not run to its end (runner stopped or lost): a human must check the state.</param>
/// <param name="Output">The end of the masked apply output, for the comment.</param>
/// <param name="Log">Artifact key of the full masked log.</param>
/// <param name="Error">Masked, human-readable reason when the apply failed or was interrupted.</param>
public sealed record ApplyOutcome(string ProjectName, bool Succeeded, bool Interrupted, string? Output, string? Log, string? Error);

/// <summary>The job transport: a PostgreSQL queue by default, Service Bus in Azure.</summary>
public interface IJobQueue
{
    /// <summary>How long a claim lasts without renewal; holders renew well within it.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>Takes the next available job, or null when there is none.</summary>
    Task<JobLease?> ClaimAsync(string workerId, CancellationToken ct);

    /// <summary>Extends the lease; false when the lease is lost (expired and re-claimed, or the job was cancelled).</summary>
    Task<bool> RenewAsync(JobLease lease, CancellationToken ct);

    /// <summary>Records the result and finishes the job in one step; false when the lease was lost (the result is dropped).</summary>
    Task<bool> CompleteAsync(JobLease lease, JobResult result, CancellationToken ct);
}
