using System.Globalization;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>
/// <c>workflow-compare</c>: the same pull request (discover → N instant plans in parallel → approval event → N
/// instant applies in order → done) on TerraFlow's engine (PostgreSQL) and on the Durable Task Framework with its
/// Azure Storage backend (Azurite), same process, same machine, alternating A-B / B-A over the repetitions; prints
/// each repetition and the medians.
/// </summary>
public static class WorkflowCompareTool
{
    /// <summary>Pull requests run at once before each measurement (not counted).</summary>
    public const int WarmUp = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        var pullRequests = IntArg(args, "--pull-requests", 200);
        var projects = IntArg(args, "--projects", 4);
        var concurrency = IntArg(args, "--concurrency", 32);
        var workers = IntArg(args, "--workers", 8);
        var repetitions = IntArg(args, "--repetitions", 3);
        var only = StringArg(args, "--only"); // "terraflow" or "durable": one side alone (e.g. to profile it)
        var dtf = new DurableTaskSettings(
            MaxQueuePollingInterval: TimeSpan.FromMilliseconds(IntArg(args, "--dtf-max-poll-ms", 200)),
            PartitionCount: IntArg(args, "--dtf-partitions", 4),
            ControlQueueBatchSize: IntArg(args, "--dtf-control-batch", 32),
            ActivityConcurrency: workers,
            OrchestrationConcurrency: IntArg(args, "--dtf-orchestrations", 100),
            PartitionTableTimeout: TimeSpan.FromSeconds(IntArg(args, "--dtf-partition-table-timeout-s", 30)),
            LogWarnings: args.Contains("--dtf-log"));

        Console.WriteLine($"workflow-compare: {pullRequests} pull requests × {projects} projects, {concurrency} in flight, {workers} job workers, {repetitions} repetitions");
        Console.WriteLine($"TerraFlow: runner {workers} workers, 200 ms idle poll + NOTIFY; engine defaults; milestones polled every {TerraFlowWorkflow.PollInterval.TotalMilliseconds:0} ms");
        Console.WriteLine($"Durable Task: {dtf}");
        Console.WriteLine("latency = start → done per pull request, approval sent as soon as the driver sees the wait (no human wait)");
        Console.WriteLine();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        var results = new List<RepetitionResult>();
        for (var rep = 1; rep <= repetitions; rep++)
        {
            // A-B, then B-A: neither side always runs first on a machine whose load drifts.
            var order = rep % 2 == 1 ? new[] { "terraflow", "durable" } : ["durable", "terraflow"];
            foreach (var side in order.Where(s => only is null || s == only))
            {
                var milestones = new Milestones();
                await using IWorkflowUnderTest system = side == "terraflow"
                    ? await TerraFlowWorkflow.StartAsync(milestones, projects, concurrency, workers)
                    : await DurableTaskWorkflow.StartAsync(milestones, projects, dtf, cts.Token);
                await PullRequestDriver.WarmUpAsync(system, milestones, WarmUp, cts.Token);
                var result = await PullRequestDriver.RunAsync(system, milestones, WarmUp + 1, pullRequests, projects, concurrency, cts.Token);
                results.Add(result);
                Console.WriteLine($"rep {rep}  {Line(result)}");
                Console.WriteLine($"       checked: {await system.VerifyAsync(WarmUp + pullRequests, cts.Token)}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("medians over the repetitions:");
        foreach (var group in results.GroupBy(r => r.System))
        {
            var rs = group.ToList();
            Console.WriteLine($"{group.Key,-40} pull requests/s {Median(rs, r => r.PullRequestsPerSecond),6:F1}  project runs/s {Median(rs, r => r.ProjectRunsPerSecond),6:F1}  " +
                $"latency ms p50 {Median(rs, r => P(r.Total, 0.50)),7:F0}  p95 {Median(rs, r => P(r.Total, 0.95)),7:F0}  p99 {Median(rs, r => P(r.Total, 0.99)),7:F0}  " +
                $"(to approval p50 {Median(rs, r => P(r.ToApproval, 0.50)),6:F0}, after approval p50 {Median(rs, r => P(r.AfterApproval, 0.50)),6:F0})");
        }
        return 0;
    }

    private static string Line(RepetitionResult r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.System,-40} {r.Seconds,6:F1} s  pull requests/s {r.PullRequestsPerSecond,6:F1}  project runs/s {r.ProjectRunsPerSecond,6:F1}  " +
            $"latency ms p50 {P(r.Total, 0.50),7:F0}  p95 {P(r.Total, 0.95),7:F0}  p99 {P(r.Total, 0.99),7:F0}  " +
            $"(to approval p50 {P(r.ToApproval, 0.50),6:F0}, after approval p50 {P(r.AfterApproval, 0.50),6:F0})");

    private static double P(double[] sorted, double p) => RepetitionResult.Percentile(sorted, p);

    private static double Median(IReadOnlyList<RepetitionResult> rs, Func<RepetitionResult, double> f)
    {
        var v = rs.Select(f).Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    private static string? StringArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
