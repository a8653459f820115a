using Npgsql;
using TerraFlow.Application.Health;

namespace TerraFlow.Adapters.Postgres.Hosting;

/// <summary>
/// Readiness asks the database for its applied migrations; with the embedded database it reports unreachable while
/// the postmaster is down, because a pooled connection to a dying server can still answer.
/// </summary>
internal sealed class PostgresDatabaseHealth(NpgsqlDataSource db, PostgresDatabase database) : IDatabaseHealth
{
    public bool ServerLost => database.EmbeddedServerLost;

    public async Task<DatabaseHealthReport> ProbeAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (!database.EmbeddedServerRunning)
            return new DatabaseHealthReport(false, null, "the embedded PostgreSQL server is not running; the host is restarting it");
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            await using var cmd = db.CreateCommand("select count(*) from schema_migrations");
            return new DatabaseHealthReport(true, (long)(await cmd.ExecuteScalarAsync(limit.Token))!, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new DatabaseHealthReport(false, null, ex.Message);
        }
    }
}
