using Npgsql;
using TerraFlow.Application.Signals;

namespace TerraFlow.Adapters.Postgres.Hosting;

/// <summary>
/// LISTEN on the channels the stores notify in the same transaction as new jobs, inbox and outbox rows
/// (<see cref="SqlBatch.Notify"/>), so a wake-up arrives only after the rows are committed and visible.
/// </summary>
internal sealed class PostgresWorkNotifications(NpgsqlDataSource dataSource) : IWorkNotifications
{
    public async Task ListenAsync(Action<WorkChannel> wake, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        conn.Notification += (_, e) =>
        {
            switch (e.Channel)
            {
                case "terraflow_jobs": wake(WorkChannel.Jobs); break;
                case "terraflow_inbox": wake(WorkChannel.Inbox); break;
                case "terraflow_outbox": wake(WorkChannel.Outbox); break;
            }
        };
        await using (var listen = new NpgsqlCommand("listen terraflow_jobs; listen terraflow_inbox; listen terraflow_outbox", conn))
            await listen.ExecuteNonQueryAsync(ct);
        while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
    }
}
