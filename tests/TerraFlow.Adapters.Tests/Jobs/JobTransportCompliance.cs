using System.Collections.Concurrent;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Tests.Jobs;

/// <summary>
/// The contract every job transport keeps, run against each one (PostgreSQL queue, Service Bus over REST): the
/// runner and the workflow rely on exactly these behaviours, whichever transport is configured.
/// </summary>
public abstract class JobTransportCompliance : IAsyncLifetime
{
    private JobTransportFixture _fixture = null!;

    protected JobTransportFixture Fixture => _fixture;

    protected abstract Task<JobTransportFixture> CreateFixtureAsync();

    public async Task InitializeAsync() => _fixture = await CreateFixtureAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private static JobResult ResultFor(JobLease lease) =>
        new(lease.JobId, lease.Spec.RunId, lease.Spec.Kind, new DiscoveryOutcome(true, null, null, [], [$"done-{lease.Attempt}"]), null);

    [Fact]
    public async Task Concurrent_workers_claim_every_job_exactly_once()
    {
        var jobIds = await Fixture.EnqueueAsync(24);
        // Two runner processes with three workers each.
        var queues = new[] { Fixture.CreateRunnerQueue(), Fixture.CreateRunnerQueue() };
        var claimed = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var queue = queues[w % 2];
            while (await queue.ClaimAsync($"w{w}", CancellationToken.None) is { } lease)
            {
                claimed.Add(lease.JobId);
                Assert.Equal(1, lease.Attempt);
                Assert.True(await queue.CompleteAsync(lease, ResultFor(lease), CancellationToken.None));
            }
        })));

        Assert.Equal(jobIds.Order(), claimed.Order());
        var results = await Fixture.ReadResultsAsync();
        Assert.Equal(jobIds.Order(), results.Select(r => r.JobId).Order());
    }

    [Fact]
    public async Task An_empty_queue_gives_no_job()
    {
        Assert.Null(await Fixture.CreateRunnerQueue().ClaimAsync("w", CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_carries_the_spec_the_producer_sent()
    {
        var jobId = (await Fixture.EnqueueAsync(1, JobKinds.Plan)).Single();
        var lease = await Fixture.CreateRunnerQueue().ClaimAsync("w", CancellationToken.None);

        Assert.NotNull(lease);
        Assert.Equal(jobId, lease.JobId);
        Assert.Equal(1, lease.Attempt);
        Assert.Equal(JobKinds.Plan, lease.Spec.Kind);
        Assert.Equal("op-compliance", lease.Spec.OperationId);
        Assert.Equal("abc", lease.Spec.HeadSha);
    }

    [Fact]
    public async Task Renewing_keeps_the_job_past_its_first_lease()
    {
        await Fixture.EnqueueAsync(1);
        var holder = Fixture.CreateRunnerQueue();
        var other = Fixture.CreateRunnerQueue();
        var lease = (await holder.ClaimAsync("holder", CancellationToken.None))!;

        var step = JobTransportFixture.LeaseDuration * 0.6;
        await Task.Delay(step);
        Assert.True(await holder.RenewAsync(lease, CancellationToken.None));
        await Task.Delay(step); // past the first lease's end, inside the renewed one

        Assert.Null(await other.ClaimAsync("other", CancellationToken.None));
        Assert.True(await holder.RenewAsync(lease, CancellationToken.None));
        Assert.True(await holder.CompleteAsync(lease, ResultFor(lease), CancellationToken.None));
        Assert.Single(await Fixture.ReadResultsAsync());
    }

    [Fact]
    public async Task A_lapsed_lease_goes_to_another_worker_and_fences_out_the_old_holder()
    {
        await Fixture.EnqueueAsync(1);
        var oldRunner = Fixture.CreateRunnerQueue();
        var newRunner = Fixture.CreateRunnerQueue();
        var first = (await oldRunner.ClaimAsync("old", CancellationToken.None))!;

        await Fixture.LetLeaseLapseAsync(first);
        var second = await newRunner.ClaimAsync("new", CancellationToken.None);

        Assert.NotNull(second);
        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(first.Attempt + 1, second.Attempt);
        // Complete before renew: a holder that never renewed must still be refused (and its result dropped).
        Assert.False(await oldRunner.CompleteAsync(first, ResultFor(first), CancellationToken.None));
        Assert.False(await oldRunner.RenewAsync(first, CancellationToken.None));
        Assert.True(await newRunner.RenewAsync(second, CancellationToken.None));
        Assert.True(await newRunner.CompleteAsync(second, ResultFor(second), CancellationToken.None));

        var result = Assert.Single(await Fixture.ReadResultsAsync());
        Assert.Equal(first.JobId, result.JobId);
        Assert.Equal(["done-2"], result.Discovery!.AffectedProjects); // the new holder's result, not the stale one
    }

    [Fact]
    public async Task Completing_delivers_one_result_and_the_job_is_never_claimed_again()
    {
        var jobId = (await Fixture.EnqueueAsync(1)).Single();
        var queue = Fixture.CreateRunnerQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;

        Assert.True(await queue.CompleteAsync(lease, ResultFor(lease), CancellationToken.None));
        Assert.False(await queue.CompleteAsync(lease, ResultFor(lease), CancellationToken.None));
        Assert.False(await queue.RenewAsync(lease, CancellationToken.None));
        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));
        Assert.Null(await Fixture.CreateRunnerQueue().ClaimAsync("w2", CancellationToken.None));

        var result = Assert.Single(await Fixture.ReadResultsAsync());
        Assert.Equal(jobId, result.JobId);
        Assert.Equal(lease.Spec.RunId, result.RunId);
        Assert.True(result.Discovery!.Succeeded);
    }

    [Fact]
    public async Task A_completed_job_stays_done_after_its_old_lease_would_have_lapsed()
    {
        await Fixture.EnqueueAsync(1);
        var queue = Fixture.CreateRunnerQueue();
        var lease = (await queue.ClaimAsync("w", CancellationToken.None))!;
        Assert.True(await queue.CompleteAsync(lease, ResultFor(lease), CancellationToken.None));

        await Fixture.LetLeaseLapseAsync(lease);

        Assert.Null(await Fixture.CreateRunnerQueue().ClaimAsync("w2", CancellationToken.None));
        Assert.Single(await Fixture.ReadResultsAsync());
    }
}
