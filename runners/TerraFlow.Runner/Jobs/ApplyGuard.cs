using TerraFlow.Core.Jobs;

namespace TerraFlow.Runner.Jobs;

/// <summary>Which apply jobs the runner refuses before cloning anything.</summary>
public static class ApplyGuard
{
    /// <summary>
    /// The reason an apply job must not run, or null. An apply belongs to a pull request (its number is in the spec) and
    /// to a named commit; a drift check's job has neither and is never applied.
    /// </summary>
    public static string? Refusal(JobSpec spec) =>
        spec.Kind != JobKinds.Apply ? $"Refused: a {spec.Kind} job is not an apply."
        : spec.PullRequestNumber is not > 0 ? "Refused: this job belongs to no pull request; TerraFlow applies only a pull request's approved plan (drift checks never apply)."
        : string.IsNullOrEmpty(spec.HeadSha) ? "Refused: this apply names no commit."
        : null;
}
