using Npgsql;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

public sealed class JobQueueOptions
{
    /// <summary>How long a claim lasts without renewal. A runner renews at a third of it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// The embedded job transport: rows in <c>jobs</c>, claimed with <c>FOR UPDATE SKIP LOCKED</c> so that any number of
/// runners share the queue without blocking each other. Each claim draws a new fencing token from a sequence; renew
/// and complete only succeed while the row still carries the holder's token.
/// </summary>
public sealed class PostgresJobQueue(NpgsqlDataSource dataSource, JobQueueOptions options) : IJobQueue
{
    public TimeSpan LeaseDuration => options.LeaseDuration;

    public async Task<JobLease?> ClaimAsync(string workerId, CancellationToken ct)
    {
        const string sql = """
            with next as (
                select id, available_at from jobs
                where status = 'queued' and available_at <= now()
                order by available_at, id
                limit 1
                for update skip locked
            )
            update jobs j set status = 'leased', attempts = j.attempts + 1, lease_owner = $1,
                              lease_token = nextval('job_lease_tokens'), lease_expires_at = now() + $2
            from next where j.id = next.id
            returning j.id, j.lease_token, j.attempts, j.spec::text,
                      extract(epoch from clock_timestamp() - next.available_at)::float8 * 1000
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(workerId);
        cmd.Parameters.AddWithValue(options.LeaseDuration);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        // The wait is measured with the database's clock on both ends, so runner clock skew cannot distort it.
        return new JobLease(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), JobWire.Read<JobSpec>(r.GetString(3))) { QueueWaitMs = r.GetDouble(4) };
    }

    public async Task<bool> RenewAsync(JobLease lease, CancellationToken ct)
    {
        const string sql = "update jobs set lease_expires_at = now() + $3 where id = $1 and lease_token = $2 and status = 'leased'";
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(lease.JobId);
        cmd.Parameters.AddWithValue(lease.LeaseToken);
        cmd.Parameters.AddWithValue(options.LeaseDuration);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// One statement, so one round trip and its own transaction: the job is finished and its result lands in the
    /// workflow inbox only if the row still carries this holder's fencing token.
    /// </summary>
    public async Task<bool> CompleteAsync(JobLease lease, JobResult result, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var complete = new NpgsqlBatchCommand("""
            with finished as (
                update jobs set status = 'succeeded', finished_at = now()
                where id = $1 and lease_token = $2 and status = 'leased'
                returning run_id
            )
            insert into workflow_inbox (run_id, kind, payload) select run_id, $3, $4::jsonb from finished
            """);
        complete.Parameters.Add(new NpgsqlParameter { Value = lease.JobId });
        complete.Parameters.Add(new NpgsqlParameter { Value = lease.LeaseToken });
        complete.Parameters.Add(new NpgsqlParameter { Value = InboxKinds.JobResult });
        complete.Parameters.Add(new NpgsqlParameter { Value = JobWire.Write(result) });
        batch.BatchCommands.Add(complete);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_notify('terraflow_inbox', '')"));
        await batch.ExecuteNonQueryAsync(ct);
        return complete.RecordsAffected == 1;
    }
}
