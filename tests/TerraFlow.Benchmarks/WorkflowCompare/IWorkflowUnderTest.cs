namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// One workflow system running the benchmark's pull request: discover, N plans in parallel, wait for an approval
/// event, apply the projects in order, done. It reports what it reaches through <see cref="Milestones"/>.
/// </summary>
internal interface IWorkflowUnderTest : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Starts pull request <paramref name="number"/>; returns once the system has durably accepted it.</summary>
    Task StartAsync(int number, CancellationToken ct);

    /// <summary>Sends the approval event for <paramref name="number"/>; returns once the system has durably accepted it.</summary>
    Task ApproveAsync(int number, CancellationToken ct);

    /// <summary>After a run: checks from the system's own store that all <paramref name="pullRequests"/> (warm-up included) were applied, in order; says what it checked.</summary>
    Task<string> VerifyAsync(int pullRequests, CancellationToken ct);
}
