using Npgsql;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Adapters.Tests.Postgres.Embedded;

public sealed class EmbeddedPostgresTemporaryTests
{
    [Fact]
    public async Task Temporary_cluster_answers_queries_on_its_own_database()
    {
        await using var postgres = await EmbeddedPostgres.StartAsync(EmbeddedPostgresOptions.ForTests(), null, CancellationToken.None);

        var version = (string?)await PostgresProbe.ScalarAsync(postgres.ConnectionString, "select version()");
        var database = (string?)await PostgresProbe.ScalarAsync(postgres.ConnectionString, "select current_database()");

        Assert.StartsWith("PostgreSQL", version);
        Assert.Equal("terraflow", database);
        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(postgres.Port, builder.Port);
        Assert.Equal("terraflow", builder.Username);
        Assert.Null(builder.Password);
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_deletes_the_temporary_directory()
    {
        var postgres = await EmbeddedPostgres.StartAsync(EmbeddedPostgresOptions.ForTests(), null, CancellationToken.None);
        var connectionString = postgres.ConnectionString;
        var dataDirectory = postgres.DataDirectory;
        Assert.Equal(1, await PostgresProbe.ScalarAsync(connectionString, "select 1"));

        await postgres.DisposeAsync();
        await postgres.DisposeAsync(); // a second dispose is harmless

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PostgresProbe.ScalarAsync(connectionString, "select 1"));
        Assert.False(Directory.Exists(dataDirectory), $"{dataDirectory} should be deleted on dispose");
    }

    [Fact]
    public async Task Two_clusters_started_concurrently_are_independent()
    {
        var starts = Enumerable.Range(0, 2)
            .Select(_ => EmbeddedPostgres.StartAsync(EmbeddedPostgresOptions.ForTests(), null, CancellationToken.None))
            .ToArray();
        var clusters = await Task.WhenAll(starts);
        await using var first = clusters[0];
        await using var second = clusters[1];

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        await PostgresProbe.ExecuteAsync(first.ConnectionString, "create table only_in_first(id int)");

        Assert.True(await PostgresProbe.TableExistsAsync(first.ConnectionString, "only_in_first"));
        Assert.False(await PostgresProbe.TableExistsAsync(second.ConnectionString, "only_in_first"));
    }

    [Fact]
    public async Task Start_rejects_inconsistent_options_before_touching_the_disk()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = "/tmp/x" }, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(
            () => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Persistent = true }, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(
            () => EmbeddedPostgres.StartAsync(
                EmbeddedPostgresOptions.ForTests() with { DatabaseName = "x\"; drop database postgres; --" }, null, CancellationToken.None));

        var host = EmbeddedPostgresOptions.ForHost("/srv/app");
        Assert.True(host.Persistent);
        Assert.Equal("/srv/app/.terraflow/postgres", host.DataDirectory);
    }
}
