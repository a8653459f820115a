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
                select id from jobs
                where status = 'queued' and available_at <= now()
                order by available_at, id
                limit 1
                for update skip locked
            )
            update jobs j set status = 'leased', attempts = j.attempts + 1, lease_owner = $1,
                              lease_token = nextval('job_lease_tokens'), lease_expires_at = now() + $2
            from next where j.id = next.id
            returning j.id, j.lease_token, j.attempts, j.spec::text
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(workerId);
        cmd.Parameters.AddWithValue(options.LeaseDuration);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new JobLease(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), StoreJson.Deserialize<JobSpec>(r.GetString(3)));
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

    public async Task<bool> CompleteAsync(JobLease lease, JobResult result, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var finish = new NpgsqlCommand(
            "update jobs set status = 'succeeded', finished_at = now() where id = $1 and lease_token = $2 and status = 'leased'", conn, tx))
        {
            finish.Parameters.AddWithValue(lease.JobId);
            finish.Parameters.AddWithValue(lease.LeaseToken);
            if (await finish.ExecuteNonQueryAsync(ct) != 1)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        await InboxRepository.AddAsync(conn, tx, result.RunId, InboxKinds.JobResult, result, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
