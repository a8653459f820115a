using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres;

/// <summary>
/// The data source prepares a statement once it is used twice on a connection, so PostgreSQL stops parsing and planning
/// it on every call; an operator's own <c>Max Auto Prepare</c> in the connection string (0 = off) wins.
/// </summary>
public sealed class AutoPrepareTests
{
    private const string Statement = "select count(*) from pg_class where relkind = $1";

    [Fact]
    public async Task A_statement_used_twice_is_prepared_on_its_connection()
    {
        await using var db = PostgresDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("prepare"));
        await using var conn = await db.OpenConnectionAsync();

        Assert.Equal(0, await PreparedCountAsync(conn));
        await RunAsync(conn);
        Assert.Equal(0, await PreparedCountAsync(conn)); // once is not enough: one-off statements are not kept
        await RunAsync(conn);
        await RunAsync(conn);

        Assert.Equal(1, await PreparedCountAsync(conn));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0")]
    [InlineData("maxautoprepare=0")]
    public async Task The_connection_string_can_turn_it_off(string setting)
    {
        await using var db = PostgresDataSource.Create(await PostgresTestCluster.Shared.CreateDatabaseAsync("prepare") + ";" + setting);
        await using var conn = await db.OpenConnectionAsync();

        for (var i = 0; i < 6; i++) await RunAsync(conn);

        Assert.Equal(0, await PreparedCountAsync(conn));
    }

    private static async Task RunAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand(Statement, conn);
        cmd.Parameters.AddWithValue("r");
        Assert.True((long)(await cmd.ExecuteScalarAsync())! > 0);
    }

    /// <summary>This connection's prepared statements that are <see cref="Statement"/> (the probe itself is excluded).</summary>
    private static async Task<long> PreparedCountAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand("select count(*) from pg_prepared_statements where statement like '%relkind = $1%' and statement not like '%pg_prepared_statements%'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
