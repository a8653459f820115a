using Npgsql;
using TerraFlow.Application.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// <see cref="IJobResultIntake"/>: the message id goes into <c>processed_messages</c> in the same transaction as the
/// inbox row, so a redelivery finds it and changes nothing; a refused message is recorded with its reason.
/// </summary>
internal sealed class PostgresJobResultIntake(NpgsqlDataSource db) : IJobResultIntake
{
    /// <summary>
    /// The consumer name in <c>processed_messages</c> (the Azure function's name, kept for rows written before this
    /// class existed): the function and the standalone drain share it, so neither handles a message the other did.
    /// </summary>
    internal const string Source = "JobResults";

    public async Task<JobResultIntakeOutcome> RecordAsync(JobResultDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var outcome = delivery.Result is null ? JobResultIntakeOutcome.Rejected : JobResultIntakeOutcome.Accepted;
        await using (var cmd = new NpgsqlCommand("""
            insert into processed_messages (source, message_id, outcome, detail, delivery_count) values ($1, $2, $3, $4, $5)
            on conflict (source, message_id) do nothing
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(Source);
            cmd.Parameters.AddWithValue(delivery.MessageId);
            cmd.Parameters.AddWithValue(outcome == JobResultIntakeOutcome.Accepted ? "accepted" : "rejected");
            cmd.Parameters.AddWithValue((object?)delivery.Problem ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)delivery.DeliveryCount ?? DBNull.Value);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return JobResultIntakeOutcome.Duplicate;
            }
        }
        if (delivery.Result is { } result)
        {
            await InboxRepository.AddAsync(conn, tx, result.RunId, InboxKinds.JobResult, result, ct);
            // The job row (the host's record of a dispatched job) is finished, so the overdue sweep leaves it alone.
            await using var finish = new NpgsqlCommand("update jobs set status = 'succeeded', finished_at = now() where id = $1 and status = 'dispatched'", conn, tx);
            finish.Parameters.AddWithValue(result.JobId);
            await finish.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return outcome;
    }
}
