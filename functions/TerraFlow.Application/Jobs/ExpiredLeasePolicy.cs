using TerraFlow.Core.Jobs;

namespace TerraFlow.Application.Jobs;

/// <summary>What happens to a job whose runner stopped renewing its lease.</summary>
public static class ExpiredLeasePolicy
{
    /// <summary>
    /// A plan or discovery may simply run again until its attempts are used up. An apply never goes back, whatever its
    /// max_attempts says: nobody knows how far the lost runner got, so a human checks the state first.
    /// </summary>
    public static bool MayRunAgain(JobSpec spec, int attempts, int maxAttempts) =>
        attempts < maxAttempts && spec.Kind != JobKinds.Apply;
}
