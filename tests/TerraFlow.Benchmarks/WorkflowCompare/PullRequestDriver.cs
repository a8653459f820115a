using System.Diagnostics;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>What one repetition of one system measured.</summary>
/// <param name="Seconds">From the first start to the last pull request done.</param>
/// <param name="Total">Per pull request, start → done, ms (sorted).</param>
/// <param name="ToApproval">Per pull request, start → the driver sees it waiting for approval, ms (sorted).</param>
/// <param name="AfterApproval">Per pull request, approval sent → done, ms (sorted).</param>
internal sealed record RepetitionResult(string System, int PullRequests, int Projects, double Seconds, double[] Total, double[] ToApproval, double[] AfterApproval)
{
    public double PullRequestsPerSecond => PullRequests / Seconds;

    /// <summary>Each project of each pull request planned and applied.</summary>
    public double ProjectRunsPerSecond => (double)PullRequests * Projects / Seconds;

    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
}

/// <summary>
/// Drives pull requests through a system as a closed loop: <c>concurrency</c> pull requests are in flight at any
/// time, each started, approved as soon as it waits for approval (no human wait), and counted when done.
/// </summary>
internal static class PullRequestDriver
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    public static async Task<RepetitionResult> RunAsync(IWorkflowUnderTest system, Milestones milestones, int firstNumber, int pullRequests, int projects, int concurrency, CancellationToken ct)
    {
        var total = new double[pullRequests];
        var toApproval = new double[pullRequests];
        var afterApproval = new double[pullRequests];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pullRequests)
            {
                var number = firstNumber + i;
                var m = milestones.Register(number);
                var started = Stopwatch.GetTimestamp();
                await system.StartAsync(number, ct);
                await Wait(m.AwaitingApproval.Task, $"{system.Name}: #{number} never waited for approval", ct);
                var approving = Stopwatch.GetTimestamp();
                await system.ApproveAsync(number, ct);
                await Wait(m.Done.Task, $"{system.Name}: #{number} never finished after approval", ct);
                var done = Stopwatch.GetTimestamp();
                total[i] = Stopwatch.GetElapsedTime(started, done).TotalMilliseconds;
                toApproval[i] = Stopwatch.GetElapsedTime(started, approving).TotalMilliseconds;
                afterApproval[i] = Stopwatch.GetElapsedTime(approving, done).TotalMilliseconds;
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(total);
        Array.Sort(toApproval);
        Array.Sort(afterApproval);
        return new RepetitionResult(system.Name, pullRequests, projects, seconds, total, toApproval, afterApproval);
    }

    /// <summary>
    /// Runs <paramref name="count"/> pull requests at once before the clock starts: JIT, connection pools, queues and
    /// tables created, and (Durable Task) the worker owning every partition's lease; the orchestrations of these
    /// pull requests hash to different partitions, and a partition not yet owned holds its orchestrations back.
    /// </summary>
    public static async Task WarmUpAsync(IWorkflowUnderTest system, Milestones milestones, int count, CancellationToken ct) =>
        await Task.WhenAll(Enumerable.Range(1, count).Select(async number =>
        {
            var m = milestones.Register(number);
            await system.StartAsync(number, ct);
            await Wait(m.AwaitingApproval.Task, $"{system.Name}: warm-up #{number} never waited for approval", ct);
            await system.ApproveAsync(number, ct);
            await Wait(m.Done.Task, $"{system.Name}: warm-up #{number} never finished", ct);
        }));

    private static async Task Wait(Task task, string what, CancellationToken ct)
    {
        try
        {
            await task.WaitAsync(StepTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(what + $" within {StepTimeout.TotalMinutes:0} min");
        }
    }
}
