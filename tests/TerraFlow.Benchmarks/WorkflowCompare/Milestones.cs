using System.Collections.Concurrent;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// Where each pull request of a run has got to, as the system under test reports it: "waiting for approval" once
/// every plan is recorded, "done" once every apply is recorded. The driver waits on these.
/// </summary>
internal sealed class Milestones
{
    private readonly ConcurrentDictionary<int, PullRequestMilestones> _byNumber = new();

    public PullRequestMilestones Register(int number) => _byNumber.GetOrAdd(number, _ => new PullRequestMilestones());

    /// <summary>Pull requests started and not yet done (what a poller needs to look at).</summary>
    public int[] InFlight() => _byNumber.Where(kv => !kv.Value.Done.Task.IsCompleted).Select(kv => kv.Key).ToArray();

    public void AwaitingApproval(int number) => Register(number).AwaitingApproval.TrySetResult();

    public void Done(int number) => Register(number).Done.TrySetResult();
}

internal sealed class PullRequestMilestones
{
    public TaskCompletionSource AwaitingApproval { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
