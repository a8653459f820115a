namespace TerraFlow.Core.Jobs;

/// <summary>Results a transport reports on a runner's behalf when the runner itself never could.</summary>
public static class JobFailures
{
    /// <summary>
    /// What a human must check after an apply that did not run to its end. TerraFlow cannot know how far Terraform
    /// got, so it never retries an apply by itself: a second apply of a half-applied plan is exactly what must not happen.
    /// </summary>
    public const string InterruptedApplyAdvice =
        "TerraFlow cannot tell how far the apply got and will not retry it automatically. Before applying again: "
        + "(1) check whether the Terraform state is still locked, and run `terraform force-unlock` only once you are sure no apply is still running; "
        + "(2) look for resources that were partially created, changed or destroyed; "
        + "(3) run a new plan to see what is left to do, and apply that plan.";

    /// <summary>
    /// The job used up its attempts without a runner ever reporting back (crashed, killed, partitioned). For an
    /// apply (one attempt only) this is an interrupted apply, never a plain failure.
    /// </summary>
    public static JobResult Exhausted(long jobId, int attempts, JobSpec spec)
    {
        if (spec.Kind == JobKinds.Apply)
            return InterruptedApply(jobId, spec, "The runner stopped responding while it was applying this plan (it crashed, was killed or lost its connection).");

        var message = $"The runner stopped responding {attempts} times while working on this job; giving up.";
        if (spec.Kind == JobKinds.Drift) return DriftFailed(jobId, spec, message);
        return spec.Kind == JobKinds.Plan && spec.Project is not null
            ? new JobResult(jobId, spec.RunId, spec.Kind, null, new PlanOutcome(spec.Project.Name, false, null, null, null, message))
            : new JobResult(jobId, spec.RunId, spec.Kind, new DiscoveryOutcome(false, null, message, [], []), null);
    }

    /// <summary>No runner reported a result for a job sent to a transport the host cannot watch (Service Bus) in time.</summary>
    public static JobResult NoResult(long jobId, JobSpec spec, TimeSpan waited)
    {
        var after = $"No runner reported a result within {waited.TotalMinutes:0} minutes (it may have crashed, or its message was dead-lettered).";
        if (spec.Kind == JobKinds.Apply) return InterruptedApply(jobId, spec, after);
        if (spec.Kind == JobKinds.Drift) return DriftFailed(jobId, spec, after);
        return spec.Kind == JobKinds.Plan && spec.Project is not null
            ? new JobResult(jobId, spec.RunId, spec.Kind, null, new PlanOutcome(spec.Project.Name, false, null, null, null, after))
            : new JobResult(jobId, spec.RunId, spec.Kind, new DiscoveryOutcome(false, null, after, [], []), null);
    }

    /// <summary>A drift check that no runner finished: the project's state becomes failed, never drifted or clean.</summary>
    public static JobResult DriftFailed(long jobId, JobSpec spec, string reason) =>
        new(jobId, spec.RunId, JobKinds.Drift, null, null)
        {
            Drift = new DriftOutcome(null, spec.Project?.Name, Drift.DriftState.Failed, null, reason, null),
        };

    /// <summary>An apply that started but whose end nobody saw: failed, interrupted, with what to check.</summary>
    /// <param name="reason">What happened, in one sentence; the advice is appended.</param>
    public static JobResult InterruptedApply(long jobId, JobSpec spec, string reason, string? output = null, string? log = null) =>
        new(jobId, spec.RunId, JobKinds.Apply, null, null)
        {
            Apply = new ApplyOutcome(spec.Project?.Name ?? "", false, true, output, log, reason + " " + InterruptedApplyAdvice),
        };
}
