using Npgsql;
using TerraFlow.Application.Jobs;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// <see cref="IJobDispatchOutbox"/> over the <c>jobs</c> table: claims 'queued' rows with SKIP LOCKED, in the order
/// of the jobs_ready index (so the claim is an index scan), and marks them 'dispatched' in the same transaction.
/// The PostgreSQL job queue never claims a 'dispatched' row.
/// </summary>
internal sealed class PostgresJobDispatchOutbox(NpgsqlDataSource dataSource) : IJobDispatchOutbox
{
    public async Task<int> DispatchBatchAsync(int batchSize, SendJob send, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(send);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var jobs = new List<(long Id, JobSpec Spec)>();
        await using (var claim = new NpgsqlCommand("""
            select id, spec::text from jobs
            where status = 'queued' and available_at <= now()
            order by available_at, id limit $1 for update skip locked
            """, conn, tx))
        {
            claim.Parameters.AddWithValue(batchSize);
            await using var r = await claim.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) jobs.Add((r.GetInt64(0), StoreJson.Deserialize<JobSpec>(r.GetString(1))));
        }
        if (jobs.Count == 0) return 0;

        // A failed send rolls the whole batch back; the jobs already sent are dropped as duplicates next time.
        foreach (var (id, spec) in jobs)
            await send(id, spec, ct);

        await using (var mark = new NpgsqlCommand("update jobs set status = 'dispatched', dispatched_at = now() where id = any($1)", conn, tx))
        {
            mark.Parameters.AddWithValue(jobs.Select(j => j.Id).ToArray());
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return jobs.Count;
    }
}
