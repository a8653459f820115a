using System.Diagnostics;
using Npgsql;

namespace TerraFlow.Adapters.Postgres;

public static class PostgresDataSource
{
    /// <summary>
    /// The data source every TerraFlow process uses. Connections are not reset when returned to the pool: TerraFlow
    /// sets no session state, so the reset would be a wasted round trip on every unit of work.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // Telemetry (when on) traces the commands of a request or a job, the ones an operator follows. The engine,
        // outbox and queue loops poll thousands of times an hour outside any trace; those would only be noise.
        builder.ConfigureTracing(t => t
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .EnableFirstResponseEvent(false));
        return builder.Build();
    }
}
