using Npgsql;
using TerraFlow.Testing.Postgres;

namespace TerraFlow.Adapters.Tests.Postgres.Embedded;

public sealed class PostgresTestClusterTests
{
    [Fact]
    public async Task Each_call_creates_a_separate_empty_database_named_after_the_prefix()
    {
        var first = await PostgresTestCluster.Shared.CreateDatabaseAsync("Plan Runs");
        var second = await PostgresTestCluster.Shared.CreateDatabaseAsync("Plan Runs");

        var firstName = new NpgsqlConnectionStringBuilder(first).Database!;
        var secondName = new NpgsqlConnectionStringBuilder(second).Database!;
        Assert.StartsWith("plan_runs_", firstName);
        Assert.NotEqual(firstName, secondName);

        await PostgresProbe.ExecuteAsync(first, "create table runs(id int)");
        Assert.True(await PostgresProbe.TableExistsAsync(first, "runs"));
        Assert.False(await PostgresProbe.TableExistsAsync(second, "runs"));
        Assert.Equal(firstName, await PostgresProbe.ScalarAsync(first, "select current_database()"));
    }

    [Fact]
    public async Task Databases_can_be_created_in_parallel_on_the_shared_server()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostgresTestCluster.Shared.CreateDatabaseAsync(null)));

        Assert.Equal(8, created.Distinct().Count());
        foreach (var connectionString in created)
        {
            Assert.Equal(1, await PostgresProbe.ScalarAsync(connectionString, "select 1"));
        }
    }
}
