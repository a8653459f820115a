using System.Collections.Concurrent;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TerraFlow.Benchmarks.WorkflowCompare;

/// <summary>Settings of the Durable Task side, printed with the results.</summary>
internal sealed record DurableTaskSettings(TimeSpan MaxQueuePollingInterval, int PartitionCount, int ControlQueueBatchSize, int ActivityConcurrency, int OrchestrationConcurrency, TimeSpan PartitionTableTimeout, bool LogWarnings = false)
{
    public override string ToString() =>
        $"MaxQueuePollingInterval {MaxQueuePollingInterval.TotalMilliseconds:0} ms, PartitionCount {PartitionCount}, ControlQueueBatchSize {ControlQueueBatchSize}, " +
        $"MaxConcurrentTaskActivityWorkItems {ActivityConcurrency}, MaxConcurrentTaskOrchestrationWorkItems {OrchestrationConcurrency}, " +
        $"PartitionTableOperationTimeout {PartitionTableTimeout.TotalSeconds:0} s";
}

/// <summary>
/// The Durable Task Framework (DurableTask.Core + DurableTask.AzureStorage, Durable Functions' default backend) on
/// the full Azurite: a task hub worker and client in this process. A pull request starts with
/// <c>CreateOrchestrationInstanceAsync</c> and is approved with <c>RaiseEventAsync</c>.
/// </summary>
internal sealed class DurableTaskWorkflow : IWorkflowUnderTest
{
    private readonly AzuriteFull _azurite;
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;
    private readonly int _projects;
    private readonly ConcurrentDictionary<int, OrchestrationInstance> _instances = new();

    private DurableTaskWorkflow(AzuriteFull azurite, AzureStorageOrchestrationService service, TaskHubWorker worker, TaskHubClient client, int projects)
    {
        _azurite = azurite;
        _service = service;
        _worker = worker;
        _client = client;
        _projects = projects;
    }

    public string Name => "Durable Task (Azure Storage on Azurite)";

    public static async Task<DurableTaskWorkflow> StartAsync(Milestones milestones, int projects, DurableTaskSettings settings, CancellationToken ct)
    {
        var azurite = await AzuriteFull.StartAsync(ct);
        try
        {
            var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
            {
                StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
                TaskHubName = "terraflowbench",
                PartitionCount = settings.PartitionCount,
                ControlQueueBatchSize = settings.ControlQueueBatchSize,
                MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
                MaxConcurrentTaskActivityWorkItems = settings.ActivityConcurrency,
                MaxConcurrentTaskOrchestrationWorkItems = settings.OrchestrationConcurrency,
                // Default 2 s: on a loaded machine Azurite's table answers slower than that, the partition manager gives
                // up and the partitions' orchestrations stall for minutes (seen here); a generous limit is the fair setting.
                PartitionTableOperationTimeout = settings.PartitionTableTimeout,
                // --dtf-log: the backend's own warnings (lost partition leases, discarded messages) on the console.
                LoggerFactory = settings.LogWarnings
                    ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Warning))
                    : NullLoggerFactory.Instance,
            });
            await service.CreateIfNotExistsAsync();
            var worker = new TaskHubWorker(service);
            worker.AddTaskOrchestrations(typeof(PullRequestOrchestration));
            worker.AddTaskActivities(new DiscoverActivity(), new PlanActivity(), new ApplyActivity(),
                new RequestApprovalActivity(milestones), new ReportAppliedActivity(milestones));
            await worker.StartAsync();
            return new DurableTaskWorkflow(azurite, service, worker, new TaskHubClient(service), projects);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync(int number, CancellationToken ct)
    {
        var instance = await _client.CreateOrchestrationInstanceAsync(typeof(PullRequestOrchestration), $"pr-{number}", new PullRequestInput { Number = number, Projects = _projects });
        _instances[number] = instance;
    }

    public Task ApproveAsync(int number, CancellationToken ct) =>
        _client.RaiseEventAsync(_instances[number], PullRequestOrchestration.ApprovalEvent, "approver");

    public async Task<string> VerifyAsync(int pullRequests, CancellationToken ct)
    {
        // Every orchestration completed, after its approval (the output names the approver).
        var completed = 0;
        foreach (var instance in _instances.Values)
        {
            var state = await _client.GetOrchestrationStateAsync(instance);
            if (state?.OrchestrationStatus == OrchestrationStatus.Completed && state.Output?.Contains("applied by approver", StringComparison.Ordinal) == true) completed++;
        }
        if (completed != pullRequests)
            throw new InvalidOperationException($"{Name}: {completed} of {pullRequests} orchestrations completed after their approval");
        return $"{completed} orchestrations completed after their approval (applies awaited one by one)";
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync(isForced: true);
        _worker.Dispose();
        _service.Dispose();
        await _azurite.DisposeAsync();
    }
}
