using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Functions.CustomHandler;

namespace TerraFlow.Functions.Engine;

/// <summary>
/// Writes a job result taken from the Service Bus results queue into the workflow inbox, once per message id.
/// Service Bus delivers at least once, so the message id is recorded in <c>processed_messages</c> in the same
/// transaction as the inbox row; a redelivery finds it and changes nothing. A malformed message is recorded as
/// rejected (with the reason) so it is completed rather than redelivered until it dead-letters. Used by the
/// <c>JobResults</c> function in Azure and by <see cref="ServiceBusResultsLoop"/> in the standalone host; both use
/// the source name <see cref="Source"/>, so a message handled by either is not handled again by the other.
/// </summary>
public static class JobResultInbox
{
    public const string Source = FunctionRegistry.JobResults;

    public enum Outcome { Accepted, Duplicate, Rejected }

    public static async Task<Outcome> RecordAsync(NpgsqlDataSource db, JobResultMessage message, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var outcome = message.Result is null ? Outcome.Rejected : Outcome.Accepted;
        await using (var cmd = new NpgsqlCommand("""
            insert into processed_messages (source, message_id, outcome, detail, delivery_count) values ($1, $2, $3, $4, $5)
            on conflict (source, message_id) do nothing
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(Source);
            cmd.Parameters.AddWithValue(message.MessageId);
            cmd.Parameters.AddWithValue(outcome == Outcome.Accepted ? "accepted" : "rejected");
            cmd.Parameters.AddWithValue((object?)message.Problem ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)message.DeliveryCount ?? DBNull.Value);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return Outcome.Duplicate;
            }
        }
        if (message.Result is { } result)
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
