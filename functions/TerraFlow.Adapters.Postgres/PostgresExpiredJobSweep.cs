using Npgsql;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// <see cref="IExpiredJobSweep"/> over the <c>jobs</c> table. Rows are claimed with SKIP LOCKED, so several hosts
/// sweeping at once each take different jobs; a failed job and its failure result in the inbox commit together.
/// </summary>
internal sealed class PostgresExpiredJobSweep(NpgsqlDataSource dataSource) : IExpiredJobSweep
{
    public async Task<int> FailOverdueDispatchedAsync(TimeSpan timeout, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var overdue = new List<(long Id, JobSpec Spec)>();
        await using (var cmd = new NpgsqlCommand("""
            update jobs set status = 'failed', finished_at = now()
            where id in (select id from jobs where status = 'dispatched' and dispatched_at < now() - $1 order by id limit $2 for update skip locked)
            returning id, spec::text
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(timeout);
            cmd.Parameters.AddWithValue(limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) overdue.Add((r.GetInt64(0), StoreJson.Deserialize<JobSpec>(r.GetString(1))));
        }
        foreach (var (id, spec) in overdue)
            await InboxRepository.AddAsync(conn, tx, spec.RunId, InboxKinds.JobResult, JobFailures.NoResult(id, spec, timeout), ct);
        await tx.CommitAsync(ct);
        return overdue.Count;
    }

    public async Task<LeaseSweepResult> SweepExpiredLeasesAsync(int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var expired = new List<(long Id, int Attempts, int MaxAttempts, JobSpec Spec)>();
        await using (var cmd = new NpgsqlCommand("""
            select id, attempts, max_attempts, spec::text from jobs
            where status = 'leased' and lease_expires_at < now()
            order by id limit $1 for update skip locked
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) expired.Add((r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), StoreJson.Deserialize<JobSpec>(r.GetString(3))));
        }
        var batch = new SqlBatch(conn, tx);
        var requeued = 0;
        foreach (var (id, attempts, max, spec) in expired)
        {
            if (ExpiredLeasePolicy.MayRunAgain(spec, attempts, max))
            {
                batch.Add("update jobs set status = 'queued', lease_token = null, lease_owner = null, available_at = now() where id = $1", id);
                requeued++;
            }
            else
            {
                batch.Add("update jobs set status = 'failed', lease_token = null, finished_at = now() where id = $1", id);
                InboxRepository.Add(batch, spec.RunId, InboxKinds.JobResult, JobFailures.Exhausted(id, attempts, spec));
            }
        }
        await batch.ExecuteAsync(ct);
        await tx.CommitAsync(ct);
        return new LeaseSweepResult(requeued, expired.Count - requeued);
    }
}
