using System.Data.Common;
using System.Diagnostics;
using Npgsql;

namespace TerraFlow.Adapters.Postgres;

public static class PostgresDataSource
{
    /// <summary>Statements each connection keeps prepared (least recently used ones are recycled beyond it).</summary>
    internal const int DefaultMaxAutoPrepare = 256;

    /// <summary>Uses of a statement on a connection before it is prepared there.</summary>
    internal const int DefaultAutoPrepareMinUsages = 2;

    /// <summary>
    /// The data source every TerraFlow process uses. Connections are not reset when returned to the pool: TerraFlow
    /// sets no session state, so the reset would be a wasted round trip on every unit of work.
    /// Statements are prepared automatically after their second use on a connection: TerraFlow sends the same few dozen
    /// statements thousands of times, and without preparation PostgreSQL parses and plans each one every time (measured
    /// with the load tool: parsing and planning were the largest share of the server's CPU). A connection string that
    /// sets <c>Max Auto Prepare</c> itself (0 turns it off, e.g. behind a pooler that cannot keep prepared statements)
    /// wins.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (!SetsAutoPrepare(connectionString))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = DefaultAutoPrepareMinUsages;
        }
        // Telemetry (when on) traces the commands of a request or a job, the ones an operator follows. The engine,
        // outbox and queue loops poll thousands of times an hour outside any trace; those would only be noise.
        builder.ConfigureTracing(t => t
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .EnableFirstResponseEvent(false));
        return builder.Build();
    }

    /// <summary>Whether the operator's connection string names the auto-prepare limit (any spelling Npgsql accepts).</summary>
    private static bool SetsAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key =>
            string.Equals(key.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
    }
}
