using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Intake;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Vcs;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>
/// Webhook intake's group commit on a real server: concurrent deliveries share one commit, each answered after it;
/// a delivery id twice in one group is stored once; a unit that fails is undone alone and retried alone.
/// Every test holds its group's one lane with a gate unit until all units are queued, so they land in one group.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private PostgresGroupCommit _group = null!;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("groupcommit"));
        await new SchemaMigrator(_db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _group = new PostgresGroupCommit(_db, new GroupCommitOptions { Lanes = 1, MaxUnits = 32 });
    }

    public async Task DisposeAsync()
    {
        _gate.TrySetResult();
        await _group.DisposeAsync();
        await _db.DisposeAsync();
    }

    private WebhookIntake Grouped => new(new PostgresWorkflowStore(_db), new AnyCloneUrl(), _group);

    private WebhookIntake Alone => new(new PostgresWorkflowStore(_db), new AnyCloneUrl());

    /// <summary>Occupies the lane until the gate opens; it writes nothing.</summary>
    private Task<int> HoldLaneAsync() => _group.RunAsync(async (tx, ct) =>
    {
        await _gate.Task;
        await tx.CommitAsync(ct);
        return 0;
    }, CancellationToken.None);

    private async Task OpenGateWhenQueuedAsync(int units)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_group.Waiting < units)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {_group.Waiting} of {units} units queued");
            await Task.Delay(10);
        }
        _gate.SetResult();
    }

    private static PullRequestEvent Opened(int number) => new(PullRequestAction.Opened,
        new PullRequestInfo(new RepoRef("acme", "infra", 7), number, new string('a', 39) + number % 10, new string('b', 40), "feature", "main",
            "https://github.com/acme/infra.git", "alice", Open: true, Merged: false), "alice");

    private Task<IntakeResult> DeliverAsync(WebhookIntake intake, string deliveryId, int number) =>
        intake.AcceptAsync("github", deliveryId, "pull_request", Opened(number), CancellationToken.None);

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var cmd = _db.CreateCommand(sql);
        foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Concurrent_deliveries_share_one_commit_and_each_is_answered_after_it()
    {
        var hold = HoldLaneAsync();
        var deliveries = Enumerable.Range(1, 10).Select(n => DeliverAsync(Grouped, $"delivery-{n}", n)).ToArray();
        await OpenGateWhenQueuedAsync(10);

        var results = await Task.WhenAll(deliveries);
        await hold;

        Assert.All(results, r => Assert.Equal(IntakeStatus.Accepted, r.Status));
        Assert.Equal(10, results.Select(r => r.RunId).Distinct().Count());
        Assert.Equal(1, _group.Commits);
        Assert.Equal(10L, await CountAsync("select count(*) from webhook_deliveries"));
        Assert.Equal(10L, await CountAsync("select count(*) from runs"));
        // Each delivery's own work is whole: its run, its trust-check inbox row, its audit event, its delivery row.
        foreach (var r in results)
        {
            Assert.Equal(1L, await CountAsync("select count(*) from workflow_inbox where run_id = $1", r.RunId!.Value));
            Assert.Equal(1L, await CountAsync("select count(*) from audit_events where run_id = $1", r.RunId!.Value));
            Assert.Equal(1L, await CountAsync("select count(*) from webhook_deliveries where run_id = $1", r.RunId!.Value));
        }
    }

    [Fact]
    public async Task A_delivery_id_twice_in_one_group_is_stored_once_and_the_other_copy_gets_the_duplicate_answer()
    {
        var hold = HoldLaneAsync();
        var first = DeliverAsync(Grouped, "same-delivery", 1);
        var neighbour = DeliverAsync(Grouped, "other-delivery", 2);
        var second = DeliverAsync(Grouped, "same-delivery", 1);
        await OpenGateWhenQueuedAsync(3);

        var answers = await Task.WhenAll(first, neighbour, second);
        await hold;
        Assert.Equal(1, _group.Commits);

        // Exactly what a redelivery gets without grouping (asked afterwards, in a transaction of its own).
        var standalone = await DeliverAsync(Alone, "same-delivery", 1);
        Assert.Equal(IntakeStatus.Duplicate, standalone.Status);
        var copies = new[] { answers[0], answers[2] };
        Assert.Single(copies, a => a.Status == IntakeStatus.Accepted);
        var duplicate = Assert.Single(copies, a => a.Status == IntakeStatus.Duplicate);
        Assert.Equal(standalone, duplicate);
        Assert.Equal(IntakeStatus.Accepted, answers[1].Status);

        Assert.Equal(1L, await CountAsync("select count(*) from webhook_deliveries where delivery_id = 'same-delivery'"));
        Assert.Equal(1L, await CountAsync("select count(*) from runs where pr_number = 1"));
        Assert.Equal(1L, await CountAsync("select count(*) from audit_events where delivery_id = 'same-delivery'"));
        Assert.Equal(1L, await CountAsync("select count(*) from runs where pr_number = 2"));
    }

    [Fact]
    public async Task A_unit_that_throws_is_undone_without_its_neighbours_and_run_again_alone()
    {
        var attempts = 0;
        var hold = HoldLaneAsync();
        var before = DeliverAsync(Grouped, "before", 1);
        var flaky = _group.RunAsync(async (tx, ct) =>
        {
            var attempt = Interlocked.Increment(ref attempts);
            tx.Audit.Add(null, "test", "flaky", $"attempt {attempt}", "flaky");
            await tx.FlushAsync(ct);
            if (attempt == 1) throw new InvalidOperationException("first attempt fails after writing");
            await tx.CommitAsync(ct);
            return attempt;
        }, CancellationToken.None);
        var after = DeliverAsync(Grouped, "after", 2);
        await OpenGateWhenQueuedAsync(3);

        Assert.Equal(2, await flaky);
        Assert.Equal(IntakeStatus.Accepted, (await before).Status);
        Assert.Equal(IntakeStatus.Accepted, (await after).Status);
        await hold;
        // The first attempt's row was undone with its savepoint; the neighbours committed in the group.
        Assert.Equal(1L, await CountAsync("select count(*) from audit_events where delivery_id = 'flaky'"));
        Assert.Equal(1L, await CountAsync("select count(*) from audit_events where delivery_id = 'flaky' and detail = 'attempt 2'"));
        Assert.Equal(2L, await CountAsync("select count(*) from webhook_deliveries"));
        Assert.Equal(1, _group.Commits);
    }

    [Fact]
    public async Task A_unit_whose_statement_fails_gets_the_error_and_its_neighbours_commit()
    {
        var hold = HoldLaneAsync();
        var before = DeliverAsync(Grouped, "before", 1);
        var broken = _group.RunAsync(async (tx, ct) =>
        {
            tx.Audit.Add(null, "test", "broken", "written before the failing statement", "broken");
            // provider is not null in webhook_deliveries: the statement fails and aborts the shared transaction
            // until the unit is undone to its savepoint.
            tx.Deliveries.AddDelivery(null!, "broken", "pull_request", null, "x", null);
            await tx.FlushAsync(ct);
            await tx.CommitAsync(ct);
            return 1;
        }, CancellationToken.None);
        var after = DeliverAsync(Grouped, "after", 2);
        await OpenGateWhenQueuedAsync(3);

        var error = await Assert.ThrowsAsync<PostgresException>(() => broken);
        Assert.Equal(PostgresErrorCodes.NotNullViolation, error.SqlState);
        Assert.Equal(IntakeStatus.Accepted, (await before).Status);
        Assert.Equal(IntakeStatus.Accepted, (await after).Status);
        await hold;
        Assert.Equal(0L, await CountAsync("select count(*) from audit_events where delivery_id = 'broken'"));
        Assert.Equal(2L, await CountAsync("select count(*) from webhook_deliveries"));
        Assert.Equal(2L, await CountAsync("select count(*) from runs"));
    }

    [Fact]
    public async Task A_delivery_alone_is_committed_without_waiting_for_others()
    {
        var result = await DeliverAsync(Grouped, "lonely", 1);
        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(1L, await CountAsync("select count(*) from webhook_deliveries where delivery_id = 'lonely'"));
        var again = await DeliverAsync(Grouped, "lonely", 1);
        Assert.Equal(await DeliverAsync(Alone, "lonely", 1), again);
        Assert.Equal(IntakeStatus.Duplicate, again.Status);
    }

    private sealed class AnyCloneUrl : ICloneUrlGuard
    {
        public string? Refusal(string? provider, string? cloneUrl, string repoOwner, string repoName) => null;
    }
}
