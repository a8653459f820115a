using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// With Service Bus as the job transport: sends queued jobs to the jobs queue. The <c>jobs</c> table stays the
/// transactional outbox (a workflow step inserts its job rows in its own transaction); this loop claims 'queued'
/// rows with SKIP LOCKED, sends each, and marks them 'dispatched' in the same transaction. A crash after sending but
/// before the commit sends them again, and the queue's duplicate detection drops the resend (message id = job id).
/// Runners then take jobs from Service Bus only; the PostgreSQL queue never claims a 'dispatched' row.
/// </summary>
public sealed class JobDispatchLoop(
    NpgsqlDataSource dataSource,
    ServiceBusJobDispatcher dispatcher,
    WorkSignals signals,
    EngineOptions options,
    ILogger<JobDispatchLoop> logger) : BackgroundService
{
    /// <summary>Most jobs sent per transaction, so row locks are held for a bounded time.</summary>
    public const int BatchSize = 20;

    /// <summary>Sends up to <see cref="BatchSize"/> due jobs; returns how many were dispatched (0 when none are queued).</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var jobs = new List<(long Id, JobSpec Spec)>();
        // The order of the jobs_ready index, so the claim is an index scan.
        await using (var claim = new NpgsqlCommand("""
            select id, spec::text from jobs
            where status = 'queued' and available_at <= now()
            order by available_at, id limit $1 for update skip locked
            """, conn, tx))
        {
            claim.Parameters.AddWithValue(BatchSize);
            await using var r = await claim.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) jobs.Add((r.GetInt64(0), StoreJson.Deserialize<JobSpec>(r.GetString(1))));
        }
        if (jobs.Count == 0) return 0;

        // A failed send rolls the whole batch back; the jobs already sent are dropped as duplicates next time.
        foreach (var (id, spec) in jobs)
            await dispatcher.SendJobAsync(id, spec, ct);

        await using (var mark = new NpgsqlCommand(
            "update jobs set status = 'dispatched', dispatched_at = now() where id = any($1)", conn, tx))
        {
            mark.Parameters.AddWithValue(jobs.Select(j => j.Id).ToArray());
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        logger.LogDebug("Dispatched {Count} jobs to Service Bus", jobs.Count);
        return jobs.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0) { }
                // New job rows notify 'terraflow_jobs' on commit; polling covers a missed notification.
                await signals.Jobs.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Sending jobs to Service Bus failed; retrying");
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
