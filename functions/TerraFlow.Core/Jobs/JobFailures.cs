namespace TerraFlow.Core.Jobs;

/// <summary>Results a transport reports on a runner's behalf when the runner itself never could.</summary>
public static class JobFailures
{
    /// <summary>The job used up its attempts without a runner ever reporting back (crashed, killed, partitioned).</summary>
    public static JobResult Exhausted(long jobId, int attempts, JobSpec spec)
    {
        var message = $"The runner stopped responding {attempts} times while working on this job; giving up.";
        return spec.Kind == JobKinds.Plan && spec.Project is not null
            ? new JobResult(jobId, spec.RunId, spec.Kind, null, new PlanOutcome(spec.Project.Name, false, null, null, null, message))
            : new JobResult(jobId, spec.RunId, spec.Kind, new DiscoveryOutcome(false, null, message, [], []), null);
    }
}
