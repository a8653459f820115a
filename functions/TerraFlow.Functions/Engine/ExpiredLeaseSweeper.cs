using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Application.Messages;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Finds jobs whose runner stopped renewing its lease (crashed, killed, partitioned). A plan may simply run again,
/// so it goes back to the queue until its attempts are used up; then the run hears that the job failed.
/// An apply never goes back (whatever its max_attempts says): nobody knows how far the lost runner got, so the run
/// hears that the apply was interrupted and a human checks the state before anything is applied again.
/// <para>
/// Jobs sent to Service Bus have no lease here: the runner's lock lives in Service Bus, and a lost runner's message is
/// redelivered there (up to the queue's MaxDeliveryCount, then dead-lettered). What the host can see is a job whose
/// result never came: after <see cref="EngineOptions.DispatchedResultTimeout"/> it is given up on the same way.
/// </para>
/// </summary>
public sealed class ExpiredLeaseSweeper(NpgsqlDataSource dataSource, ILogger<ExpiredLeaseSweeper> logger, EngineOptions? options = null)
{
    private readonly TimeSpan _dispatchedResultTimeout = (options ?? new EngineOptions()).DispatchedResultTimeout;

    public async Task<int> SweepAsync(CancellationToken ct) => await SweepLeasesAsync(ct) + await SweepDispatchedAsync(ct);

    /// <summary>Service Bus jobs whose result is overdue: failed, and the run hears it (an apply: interrupted).</summary>
    public async Task<int> SweepDispatchedAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var overdue = new List<(long Id, JobSpec Spec)>();
        await using (var cmd = new NpgsqlCommand("""
            update jobs set status = 'failed', finished_at = now()
            where id in (select id from jobs where status = 'dispatched' and dispatched_at < now() - $1 order by id limit 100 for update skip locked)
            returning id, spec::text
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(_dispatchedResultTimeout);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) overdue.Add((r.GetInt64(0), StoreJson.Deserialize<JobSpec>(r.GetString(1))));
        }
        foreach (var (id, spec) in overdue)
            await InboxRepository.AddAsync(conn, tx, new JobResultReceived(JobFailures.NoResult(id, spec, _dispatchedResultTimeout)), ct);
        await tx.CommitAsync(ct);
        if (overdue.Count > 0)
            logger.LogWarning("{Count} jobs sent to Service Bus got no result within {Timeout}; reported as failed (applies as interrupted)", overdue.Count, _dispatchedResultTimeout);
        return overdue.Count;
    }

    private async Task<int> SweepLeasesAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var requeued = 0;
        var exhausted = new List<(long Id, int Attempts, JobSpec Spec)>();
        await using (var cmd = new NpgsqlCommand("""
            select id, attempts, max_attempts, spec::text from jobs
            where status = 'leased' and lease_expires_at < now()
            order by id limit 100 for update skip locked
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            var rows = new List<(long, int, int, string)>();
            while (await r.ReadAsync(ct)) rows.Add((r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3)));
            await r.DisposeAsync();
            foreach (var (id, attempts, max, specJson) in rows)
            {
                var spec = StoreJson.Deserialize<JobSpec>(specJson);
                if (attempts < max && spec.Kind != JobKinds.Apply)
                {
                    await WorkItemTransaction.ExecAsync(conn, tx, "update jobs set status = 'queued', lease_token = null, lease_owner = null, available_at = now() where id = $1", ct, id);
                    requeued++;
                }
                else
                {
                    await WorkItemTransaction.ExecAsync(conn, tx, "update jobs set status = 'failed', lease_token = null, finished_at = now() where id = $1", ct, id);
                    exhausted.Add((id, attempts, spec));
                }
            }
        }
        foreach (var (id, attempts, spec) in exhausted)
            await InboxRepository.AddAsync(conn, tx, new JobResultReceived(JobFailures.Exhausted(id, attempts, spec)), ct);
        await tx.CommitAsync(ct);
        if (requeued + exhausted.Count > 0)
            logger.LogWarning("Expired job leases: {Requeued} requeued, {Failed} failed after their last attempt", requeued, exhausted.Count);
        return requeued + exhausted.Count;
    }
}
