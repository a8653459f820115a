using System.Diagnostics;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Postgres.Embedded;
using TerraFlow.Integration.Tests.CrashRecovery;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.FakeGitHub;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 5 (database part): a plan's Terraform, running with the runner's environment, used the built-in
/// <c>pg</c> backend against the embedded PostgreSQL (trust on 127.0.0.1, superuser) and created a schema in
/// TerraFlow's database. Now every connection needs a generated password, TerraFlow itself is not a superuser, and
/// the runner role cannot read the approval signing key. Folders from earlier versions are migrated at start.
/// </summary>
public sealed class EmbeddedDatabaseAuthTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "terraflow-dbauth-" + Guid.NewGuid().ToString("N")[..10]);
    private FakeGitHubServer _github = null!;

    private string DataDirectory => EmbeddedHostProcess.DataDirectory(_root);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _github = await FakeGitHubServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        EmbeddedHostProcess.StopLeftoverServer(_root);
        try { Directory.Delete(_root, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The real host with no connection string: it starts the embedded cluster in our folder.</summary>
    private Task<TerraFlowTestHost> HostAsync() => TerraFlowTestHost.StartAsync("", _github, Path.Combine(_root, "artifacts"), new Dictionary<string, string>
    {
        ["TerraFlow:DataPath"] = DataDirectory,
        ["TerraFlow:Runner:InProcess"] = "false",
        ["TerraFlow:Engine:Enabled"] = "false",
    });

    private int Port => PostmasterPidFile.TryRead(DataDirectory)?.Port ?? throw new InvalidOperationException("the embedded server is not running");

    [Fact]
    public async Task A_terraform_pg_backend_without_the_password_cannot_create_a_schema_in_the_TerraFlow_database()
    {
        await using var host = await HostAsync();
        var attempts = new[]
        {
            ($"postgres://terraflow@127.0.0.1:{Port}/terraflow?sslmode=disable", "password authentication failed for user \"terraflow\""),
            ($"postgres://terraflow_app@127.0.0.1:{Port}/terraflow?sslmode=disable", "password authentication failed for user \"terraflow_app\""),
            ($"postgres://terraflow:guessed@127.0.0.1:{Port}/terraflow?sslmode=disable", "password authentication failed"),
            ($"postgres://terraflow_runner:guessed@127.0.0.1:{Port}/terraflow?sslmode=disable", "password authentication failed"),
        };
        foreach (var (connection, refusal) in attempts)
        {
            var (exit, output) = await TerraformInitAsync(connection);
            Assert.NotEqual(0, exit);
            Assert.True(output.Contains(refusal, StringComparison.Ordinal), $"terraform init with {connection} should be refused with '{refusal}':\n{output}");
        }

        await using var schemas = host.Database.CreateCommand("select count(*) from pg_namespace where nspname = 'terraform_remote_state'");
        Assert.Equal(0L, (long)(await schemas.ExecuteScalarAsync())!);
        var hba = await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "pg_hba.conf"));
        Assert.DoesNotContain(hba, line => !line.TrimStart().StartsWith('#') && line.Contains("trust", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TerraFlow_is_not_a_superuser_and_the_runner_role_reaches_the_job_queue_but_not_the_signing_key()
    {
        await using var host = await HostAsync();
        await using (var who = host.Database.CreateCommand("select current_user::text, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user"))
        await using (var r = await who.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(("terraflow_app", false, false, false), (r.GetString(0), r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3)));
        }

        // The password files are this OS user's alone.
        var passwordFile = ClusterPasswords.FileFor(DataDirectory);
        var runnerFile = ClusterPasswords.RunnerFileFor(DataDirectory);
        Assert.False(OperatingSystem.IsWindows(), "the embedded cluster runs on Linux and macOS only");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(runnerFile));
        }
        Assert.DoesNotContain("terraflow_app", await File.ReadAllTextAsync(runnerFile), StringComparison.Ordinal);

        // The connection string an operator gives runners: the runner role, its password from the runner's file.
        var runnerConnection = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Database = "terraflow", Username = "terraflow_runner", Passfile = runnerFile, Pooling = false,
        }.ConnectionString;
        await using var runner = NpgsqlDataSource.Create(runnerConnection);
        var queue = new PostgresJobQueue(runner, new JobQueueOptions());
        Assert.Null(await queue.ClaimAsync("runner-1", CancellationToken.None)); // may use the queue (nothing queued)

        foreach (var table in new[] { "service_secrets", "runs", "outbox", "approval_tokens_used", "webhook_deliveries" })
        {
            await using var read = runner.CreateCommand($"select count(*) from {table}");
            var denied = await Assert.ThrowsAsync<PostgresException>(() => read.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }

        await using var createSchema = runner.CreateCommand("create schema terraform_remote_state");
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => createSchema.ExecuteNonQueryAsync())).SqlState);
    }

    [Fact]
    public async Task A_data_folder_from_an_earlier_version_with_trust_and_a_superuser_is_migrated_at_start_and_keeps_its_data()
    {
        await OlderVersionCluster.MakeCompleteAsync(DataDirectory, "kept-from-before");
        Assert.False(File.Exists(ClusterPasswords.FileFor(DataDirectory)));

        await using (var host = await HostAsync())
        {
            await using var kept = host.Database.CreateCommand("select count(*) from service_secrets where name = 'kept-from-before'");
            Assert.Equal(1L, (long)(await kept.ExecuteScalarAsync())!);
            await using var super = host.Database.CreateCommand("select rolsuper from pg_roles where rolname = current_user");
            Assert.False((bool)(await super.ExecuteScalarAsync())!);
            // The application role owns what the superuser created, so later migrations (run as it) can alter it.
            await using var owners = host.Database.CreateCommand(
                "select count(*) from pg_tables where schemaname = 'public' and tableowner <> 'terraflow_app'");
            Assert.Equal(0L, (long)(await owners.ExecuteScalarAsync())!);

            var noPassword = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = "terraflow", Username = "terraflow", Pooling = false };
            await using var connection = new NpgsqlConnection(noPassword.ConnectionString);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
        }

        Assert.True(File.Exists(Path.Combine(DataDirectory, PersistentClusterLayout.MarkerFileName)), "the complete old cluster is marked, not set aside");
        Assert.Empty(Directory.GetDirectories(_root + "/.terraflow", "postgres" + PersistentClusterLayout.SetAsideInfix + "*"));

        // And it starts again with the stored passwords.
        await using var again = await HostAsync();
        await using var still = again.Database.CreateCommand("select count(*) from service_secrets where name = 'kept-from-before'");
        Assert.Equal(1L, (long)(await still.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// The real terraform from PATH. A bare "terraform" would start the stand-in: .NET looks in the test binaries'
    /// folder (where the stand-in's app host is copied) before PATH.
    /// </summary>
    private static string RealTerraform() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "terraform"))
            .FirstOrDefault(path => File.Exists(path) && !path.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal))
        ?? throw new InvalidOperationException("the real terraform (v1.11.4) must be on PATH for this test");

    /// <summary>Real Terraform, built-in pg backend, nothing to download.</summary>
    private async Task<(int Exit, string Output)> TerraformInitAsync(string connection)
    {
        var dir = Path.Combine(_root, "tf-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "main.tf"), $$"""
            terraform {
              backend "pg" {
                conn_str = "{{connection}}"
              }
            }
            resource "terraform_data" "x" {}
            """);
        var psi = new ProcessStartInfo(RealTerraform()) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "init", "-input=false", "-no-color" }) psi.ArgumentList.Add(a);
        psi.Environment["TF_IN_AUTOMATION"] = "1";
        psi.Environment.Remove("PGPASSWORD");
        psi.Environment.Remove("PGPASSFILE");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
