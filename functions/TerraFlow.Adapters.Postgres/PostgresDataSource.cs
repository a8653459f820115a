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
        return builder.Build();
    }
}
