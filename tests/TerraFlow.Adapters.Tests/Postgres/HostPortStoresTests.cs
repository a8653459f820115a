using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Postgres.Hosting;
using TerraFlow.Adapters.Tests.Jobs;
using TerraFlow.Application.Signals;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>
/// The PostgreSQL side of the ports the host's loops use directly (the host itself holds no SQL): job dispatch to an
/// external transport, generated service secrets, and wake-up notifications. Against a real server.
/// </summary>
public sealed class HostPortStoresTests
{
    private static async Task<NpgsqlDataSource> MigratedAsync(string name)
    {
        var db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync(name));
        await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return db;
    }

    private static async Task<string[]> StatusesAsync(NpgsqlDataSource db, IEnumerable<long> ids)
    {
        await using var cmd = db.CreateCommand("select status from jobs where id = any($1) order by id");
        cmd.Parameters.AddWithValue(ids.ToArray());
        var statuses = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) statuses.Add(r.GetString(0));
        return [.. statuses];
    }

    [Fact]
    public async Task A_failed_send_leaves_the_whole_batch_queued_and_the_next_pass_sends_it_again()
    {
        await using var db = await MigratedAsync("dispatchoutbox");
        var ids = await new PostgresJobTransportFixture(db).EnqueueAsync(3);
        var outbox = new PostgresJobDispatchOutbox(db);
        var sent = new List<long>();

        await Assert.ThrowsAsync<HttpRequestException>(() => outbox.DispatchBatchAsync(10, (id, _, _) =>
        {
            if (sent.Count == 1) throw new HttpRequestException("transport down");
            sent.Add(id);
            return Task.CompletedTask;
        }, CancellationToken.None));
        Assert.Equal(["queued", "queued", "queued"], await StatusesAsync(db, ids));

        sent.Clear();
        Assert.Equal(3, await outbox.DispatchBatchAsync(10, (id, _, _) => { sent.Add(id); return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(ids.Order(), sent.Order()); // the one sent before the failure is sent again (dropped as a duplicate there)
        Assert.Equal(["dispatched", "dispatched", "dispatched"], await StatusesAsync(db, ids));
        Assert.Equal(0, await outbox.DispatchBatchAsync(10, (_, _, _) => throw new InvalidOperationException("nothing is due"), CancellationToken.None));
    }

    [Fact]
    public async Task Hosts_racing_to_generate_a_secret_all_get_the_one_that_was_stored_first()
    {
        await using var db = await MigratedAsync("servicesecrets");
        var secrets = new PostgresServiceSecrets(db);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            secrets.GetOrAddAsync("approval_signing_key", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), CancellationToken.None)));

        Assert.Single(results, r => r.Added);
        Assert.Single(results.Select(r => Convert.ToHexString(r.Value)).Distinct());
        var later = await secrets.GetOrAddAsync("approval_signing_key", new byte[32], CancellationToken.None);
        Assert.False(later.Added);
        Assert.Equal(results[0].Value, later.Value);
    }

    [Fact]
    public async Task A_committed_notification_wakes_the_matching_channel()
    {
        await using var db = await MigratedAsync("notifications");
        var heard = new ConcurrentQueue<WorkChannel>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var listening = new PostgresWorkNotifications(db).ListenAsync(heard.Enqueue, stop.Token);

        // LISTEN takes effect at some point after ListenAsync starts; notify until heard, as a committer would.
        foreach (var (channel, expected) in new[] { ("terraflow_outbox", WorkChannel.Outbox), ("terraflow_jobs", WorkChannel.Jobs), ("terraflow_inbox", WorkChannel.Inbox) })
        {
            while (!heard.Contains(expected))
            {
                await using (var notify = db.CreateCommand($"select pg_notify('{channel}', '')"))
                    await notify.ExecuteNonQueryAsync(stop.Token);
                await Task.Delay(50, stop.Token);
            }
        }
        await using (var other = db.CreateCommand("select pg_notify('someone_else', '')"))
            await other.ExecuteNonQueryAsync(stop.Token);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listening);
        Assert.Equal([WorkChannel.Jobs, WorkChannel.Inbox, WorkChannel.Outbox], heard.Distinct().Order());
    }
}
