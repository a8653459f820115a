using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Core.Jobs;
using TerraFlow.Testing.FakeServiceBus;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>The compliance suite against Service Bus: the real REST client and adapters, the local stand-in.</summary>
public sealed class ServiceBusJobTransportTests : JobTransportCompliance
{
    protected override async Task<JobTransportFixture> CreateFixtureAsync() =>
        await ServiceBusJobTransportFixture.StartAsync();
}

/// <summary>
/// Jobs go out through <see cref="ServiceBusJobDispatcher.SendJobAsync"/>, results come back through
/// <see cref="ServiceBusJobDispatcher.DrainResultsAsync"/> (collected as the host's inbox would), and a lapsed lease
/// is the queue's lock expiring.
/// </summary>
internal sealed class ServiceBusJobTransportFixture : JobTransportFixture
{
    private readonly List<JobResult> _received = [];
    private long _lastJobId = 1000;

    private ServiceBusJobTransportFixture(FakeServiceBusServer bus, ServiceBusOptions options)
    {
        Bus = bus;
        Options = options;
        Dispatcher = new ServiceBusJobDispatcher(NewClient(), options, NullLogger<ServiceBusJobDispatcher>.Instance);
    }

    public FakeServiceBusServer Bus { get; }

    public ServiceBusOptions Options { get; }

    public ServiceBusJobDispatcher Dispatcher { get; }

    public static async Task<ServiceBusJobTransportFixture> StartAsync(int maxAttempts = 3)
    {
        var bus = await FakeServiceBusServer.StartAsync();
        var options = new ServiceBusOptions
        {
            ConnectionString = bus.ConnectionString,
            LockDuration = LeaseDuration,
            // Claims answer at once when nothing is there: the compliance timings assume no long poll.
            ReceiveTimeout = TimeSpan.Zero,
            DrainReceiveTimeout = TimeSpan.Zero,
            MaxAttempts = maxAttempts,
        };
        // As Bicep configures them: MaxDeliveryCount one above the runner's attempt limit.
        bus.CreateQueue(options.JobsQueue, new FakeQueueSettings { LockDuration = LeaseDuration, MaxDeliveryCount = maxAttempts + 1 });
        bus.CreateQueue(options.ResultsQueue, new FakeQueueSettings { LockDuration = LeaseDuration });
        return new ServiceBusJobTransportFixture(bus, options);
    }

    public ServiceBusRestClient NewClient() => ServiceBusRestClient.FromConnectionString(Options.ConnectionString!);

    public ServiceBusJobQueue CreateServiceBusQueue() => new(NewClient(), Options, NullLogger<ServiceBusJobQueue>.Instance);

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
        Bus.Queue(Options.JobsQueue).ExpireLocks();
        return Task.CompletedTask;
    }

    public override async Task<IReadOnlyList<JobResult>> ReadResultsAsync()
    {
        await Dispatcher.DrainResultsAsync((result, _) =>
        {
            lock (_received) _received.Add(result);
            return Task.CompletedTask;
        }, CancellationToken.None);
        lock (_received) return _received.ToList();
    }

    public override ValueTask DisposeAsync() => Bus.DisposeAsync();
}
