using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Core.Jobs;
using TerraFlow.Testing.ServiceBus;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// The compliance suite against the Service Bus transport: the real adapters on Azure.Messaging.ServiceBus types,
/// over the SDK's test seams (<see cref="InMemoryServiceBus"/>: substituted client, sender and receiver, messages from
/// ServiceBusModelFactory).
/// </summary>
public sealed class ServiceBusJobTransportTests : JobTransportCompliance
{
    protected override Task<JobTransportFixture> CreateFixtureAsync() =>
        Task.FromResult<JobTransportFixture>(ServiceBusJobTransportFixture.Start());
}

/// <summary>
/// Jobs go out through <see cref="ServiceBusJobDispatcher.SendJobAsync"/>, results come back through
/// <see cref="ServiceBusJobResultSource"/> (collected as the host's inbox would), and a lapsed lease is the queue's
/// lock expiring. Each runner queue gets its own client, as separate runner processes would.
/// </summary>
internal sealed class ServiceBusJobTransportFixture : JobTransportFixture
{
    private readonly List<JobResult> _received = [];
    private long _lastJobId = 1000;

    private ServiceBusJobTransportFixture(InMemoryServiceBus bus, ServiceBusOptions options)
    {
        Bus = bus;
        Options = options;
        Dispatcher = new ServiceBusJobDispatcher(bus.CreateClient(), options);
        Results = new ServiceBusJobResultSource(bus.CreateClient(), options, NullLogger<ServiceBusJobResultSource>.Instance);
    }

    public InMemoryServiceBus Bus { get; }

    public ServiceBusOptions Options { get; }

    public ServiceBusJobDispatcher Dispatcher { get; }

    public ServiceBusJobResultSource Results { get; }

    public InMemoryQueue JobsQueue => Bus.Queue(Options.JobsQueue);

    public InMemoryQueue ResultsQueue => Bus.Queue(Options.ResultsQueue);

    public static ServiceBusJobTransportFixture Start(int maxAttempts = 3, TimeSpan? resultsLock = null, int resultsMaxDeliveryCount = 10)
    {
        var bus = new InMemoryServiceBus();
        var options = new ServiceBusOptions
        {
            FullyQualifiedNamespace = bus.FullyQualifiedNamespace,
            LockDuration = LeaseDuration,
            // Claims answer quickly when nothing is there: the compliance timings assume no long poll.
            ReceiveTimeout = TimeSpan.FromMilliseconds(50),
            MaxAttempts = maxAttempts,
        };
        // As Bicep configures them: MaxDeliveryCount one above the runner's attempt limit, duplicate detection on.
        bus.CreateQueue(options.JobsQueue, new InMemoryQueueSettings { LockDuration = LeaseDuration, MaxDeliveryCount = maxAttempts + 1 });
        bus.CreateQueue(options.ResultsQueue, new InMemoryQueueSettings { LockDuration = resultsLock ?? LeaseDuration, MaxDeliveryCount = resultsMaxDeliveryCount });
        return new ServiceBusJobTransportFixture(bus, options);
    }

    public ServiceBusJobQueue CreateServiceBusQueue() => new(Bus.CreateClient(), Options, NullLogger<ServiceBusJobQueue>.Instance);

    public override IJobQueue CreateRunnerQueue() => CreateServiceBusQueue();

    public override async Task<IReadOnlyList<long>> EnqueueAsync(int count, string kind = JobKinds.Discover)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var jobId = Interlocked.Increment(ref _lastJobId);
            await Dispatcher.SendJobAsync(jobId, Spec(runId: 7, kind), CancellationToken.None);
            ids.Add(jobId);
        }
        return ids;
    }

    public override Task LetLeaseLapseAsync(JobLease lease)
    {
        JobsQueue.ExpireLocks();
        return Task.CompletedTask;
    }

    public override async Task<IReadOnlyList<JobResult>> ReadResultsAsync()
    {
        while (await Results.ReceiveAsync((delivery, _) =>
               {
                   lock (_received) if (delivery.Result is { } r) _received.Add(r);
                   return Task.CompletedTask;
               }, 100, TimeSpan.FromMilliseconds(50), CancellationToken.None) > 0) { }
        lock (_received) return _received.ToList();
    }

    public override async ValueTask DisposeAsync()
    {
        await Dispatcher.DisposeAsync();
        await Results.DisposeAsync();
    }
}
