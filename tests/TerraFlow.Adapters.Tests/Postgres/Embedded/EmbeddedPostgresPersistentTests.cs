using System.Diagnostics;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Adapters.Tests.Postgres.Embedded;

/// <summary>The standalone host's mode: data survives restarts, crashes of the server and crashes of the host.</summary>
public sealed class EmbeddedPostgresPersistentTests
{
    [Fact]
    public async Task Restart_keeps_the_data()
    {
        var dataDirectory = PostgresProbe.NewPersistentDataDirectory();
        try
        {
            var options = new EmbeddedPostgresOptions { DataDirectory = dataDirectory, Persistent = true };
            await using (var first = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None))
            {
                await PostgresProbe.ExecuteAsync(first.ConnectionString, "create table kept(id int); insert into kept values (42)");
            }

            await using var second = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None);

            Assert.False(second.AdoptedRunningServer);
            Assert.Equal(42, await PostgresProbe.ScalarAsync(second.ConnectionString, "select id from kept"));
        }
        finally
        {
            PostgresProbe.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task Start_after_the_postmaster_was_killed_recovers_from_the_stale_pid_file()
    {
        var dataDirectory = PostgresProbe.NewPersistentDataDirectory();
        try
        {
            var options = new EmbeddedPostgresOptions { DataDirectory = dataDirectory, Persistent = true };
            var crashed = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None);
            await PostgresProbe.ExecuteAsync(crashed.ConnectionString, "create table survived(id int); insert into survived values (7)");
            var pid = crashed.ServerProcessId ?? throw new InvalidOperationException("no postmaster.pid while running");
            await crashed.StopWatchingAsync(); // the host dies with its server here, so nothing restarts the server

            using (var postmaster = Process.GetProcessById(pid))
            {
                postmaster.Kill(); // SIGKILL: no shutdown, postmaster.pid stays behind
                await postmaster.WaitForExitAsync();
            }

            Assert.True(File.Exists(Path.Combine(crashed.DataDirectory, PostmasterPidFile.FileName)), "kill -9 should leave the pid file");

            // Deliberately no DisposeAsync on `crashed`: its host is considered dead too.
            await using var restarted = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None);

            Assert.False(restarted.AdoptedRunningServer);
            Assert.NotEqual(pid, restarted.ServerProcessId);
            Assert.Equal(7, await PostgresProbe.ScalarAsync(restarted.ConnectionString, "select id from survived"));
        }
        finally
        {
            PostgresProbe.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task Start_while_a_crashed_hosts_server_still_runs_reuses_that_server()
    {
        var dataDirectory = PostgresProbe.NewPersistentDataDirectory();
        try
        {
            var options = new EmbeddedPostgresOptions { DataDirectory = dataDirectory, Persistent = true };
            var orphaned = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None);
            await PostgresProbe.ExecuteAsync(orphaned.ConnectionString, "create table shared_state(id int)");
            await orphaned.StopWatchingAsync(); // its host crashed: nothing of it restarts the server any more

            // The host "crashed" without disposing: its server keeps running. A new host starts on the same directory.
            await using (var adopter = await EmbeddedPostgres.StartAsync(options, null, CancellationToken.None))
            {
                Assert.True(adopter.AdoptedRunningServer);
                Assert.Equal(orphaned.Port, adopter.Port);
                Assert.Equal(orphaned.ServerProcessId, adopter.ServerProcessId);
                Assert.True(await PostgresProbe.TableExistsAsync(adopter.ConnectionString, "shared_state"));
            }

            // The adopting host owns the server now: its dispose stops it.
            await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => PostgresProbe.ScalarAsync(orphaned.ConnectionString, "select 1"));
        }
        finally
        {
            PostgresProbe.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task A_server_that_cannot_start_fails_with_the_tail_of_its_log()
    {
        var dataDirectory = PostgresProbe.NewPersistentDataDirectory();
        try
        {
            // A directory that claims to be initialized by a PostgreSQL version that does not exist.
            await using (var cluster = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = dataDirectory, Persistent = true }, null, CancellationToken.None))
            {
            }

            await File.WriteAllTextAsync(Path.Combine(dataDirectory, "PG_VERSION"), "99\n");

            var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = dataDirectory, Persistent = true }, null, CancellationToken.None));

            Assert.Contains("last lines of", error.Message);
            Assert.Contains("FATAL", error.Message);
            Assert.Contains("version 99", error.Message);
        }
        finally
        {
            PostgresProbe.DeleteQuietly(dataDirectory);
        }
    }
}
