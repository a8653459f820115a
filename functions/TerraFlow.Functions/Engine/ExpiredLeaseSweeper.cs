using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Finds jobs whose runner stopped renewing its lease (crashed, killed, partitioned). A plan may simply run again,
/// so it goes back to the queue until its attempts are used up; then the run hears that the job failed.
/// An apply never goes back (whatever its max_attempts says): nobody knows how far the lost runner got, so the run
/// hears that the apply was interrupted and a human checks the state before anything is applied again.
/// </summary>
public sealed class ExpiredLeaseSweeper(NpgsqlDataSource dataSource, ILogger<ExpiredLeaseSweeper> logger)
{
    public async Task<int> SweepAsync(CancellationToken ct)
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
            await InboxRepository.AddAsync(conn, tx, spec.RunId, InboxKinds.JobResult, JobFailures.Exhausted(id, attempts, spec), ct);
        await tx.CommitAsync(ct);
        if (requeued + exhausted.Count > 0)
            logger.LogWarning("Expired job leases: {Requeued} requeued, {Failed} failed after their last attempt", requeued, exhausted.Count);
        return requeued + exhausted.Count;
    }
}
