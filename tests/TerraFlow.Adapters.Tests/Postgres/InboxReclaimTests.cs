using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Messages;
using TerraFlow.Application.Ports;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>
/// Taking a leased inbox item back (<see cref="IInbox.Reclaim"/>) with the step's first run load, on a real server:
/// the outcome is read from that batch, and an item another engine took over is reported as such.
/// </summary>
public sealed class InboxReclaimTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private PostgresWorkflowStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("inbox_reclaim"));
        await new SchemaMigrator(_db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _store = new PostgresWorkflowStore(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<object?> Exec(string sql, params object?[] values)
    {
        await using var conn = await _db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>A run and a trust check of it in the inbox, claimed and leased by an engine; returns the run and the lease.</summary>
    private async Task<(long RunId, InboxLease Lease)> LeasedTrustCheckAsync()
    {
        var runId = (long)(await Exec("""
            insert into runs (provider, repo_owner, repo_name, pr_number, head_sha, base_sha, clone_url, status, operation_id)
            values ('github', 'acme', 'infra', 7, 'h', 'b', 'https://github.com/acme/infra.git', 'discovering', 'op') returning id
            """))!;
        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            tx.Inbox.Add(new TrustCheckRequested(runId, "alice", null, false, "d1"));
            await tx.CommitAsync(CancellationToken.None);
        }
        return (runId, await ClaimAsync());
    }

    private async Task<InboxLease> ClaimAsync()
    {
        await using var tx = await _store.BeginAsync(CancellationToken.None);
        var item = await tx.Inbox.ClaimNextAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.NotNull(item);
        Assert.NotNull(item.LeasedUntil);
        await tx.CommitAsync(CancellationToken.None);
        return new InboxLease(item, item.LeasedUntil.Value);
    }

    [Fact]
    public async Task A_reclaim_sent_with_the_run_load_takes_the_item_back_and_holds_it_until_the_commit()
    {
        var (runId, lease) = await LeasedTrustCheckAsync();

        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            tx.Inbox.Reclaim(lease);
            var run = await tx.Runs.LoadAsync(runId, forUpdate: true, CancellationToken.None);
            Assert.Equal("infra", run!.Context.Repo.Name);
            Assert.True(await tx.Inbox.ReclaimedAsync(CancellationToken.None));

            // Held: another session cannot lock the item while this transaction is open.
            var locked = await Assert.ThrowsAsync<PostgresException>(() =>
                Exec("select id from workflow_inbox where id = $1 for update nowait", lease.Item.Id));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, locked.SqlState);

            tx.Inbox.MarkProcessed(lease.Item.Id);
            await tx.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(true, await Exec("select processed_at is not null from workflow_inbox where id = $1", lease.Item.Id));
    }

    [Fact]
    public async Task An_item_another_engine_took_over_is_not_reclaimed_though_the_run_load_succeeds()
    {
        var (runId, lease) = await LeasedTrustCheckAsync();
        // The lease runs out and a second engine claims the item with its own lease.
        await Exec("update workflow_inbox set available_at = now() - interval '1 second' where id = $1", lease.Item.Id);
        var second = await ClaimAsync();
        Assert.Equal(lease.Item.Id, second.Item.Id);

        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            tx.Inbox.Reclaim(lease);
            Assert.NotNull(await tx.Runs.LoadAsync(runId, forUpdate: true, CancellationToken.None));
            Assert.False(await tx.Inbox.ReclaimedAsync(CancellationToken.None));
        }

        // The second engine's lease still takes it back; sent alone, as nothing else was sent before asking.
        await using (var tx = await _store.BeginAsync(CancellationToken.None))
        {
            tx.Inbox.Reclaim(second);
            Assert.True(await tx.Inbox.ReclaimedAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_processed_item_is_not_reclaimed()
    {
        var (_, lease) = await LeasedTrustCheckAsync();
        await Exec("update workflow_inbox set processed_at = now() where id = $1", lease.Item.Id);

        await using var tx = await _store.BeginAsync(CancellationToken.None);
        tx.Inbox.Reclaim(lease);
        Assert.False(await tx.Inbox.ReclaimedAsync(CancellationToken.None));
    }
}
