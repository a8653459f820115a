using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Adapters.Postgres.Embedded;
using TerraFlow.Testing;

namespace TerraFlow.Integration.Tests.CrashRecovery;

/// <summary>
/// Data folders as earlier TerraFlow versions left them: initdb straight into the data folder with trust
/// authentication and TerraFlow's tables owned by the superuser; either complete, or cut off by a kill mid-initdb.
/// </summary>
internal static class OlderVersionCluster
{
    private const string Superuser = "terraflow";

    /// <summary>Starts the old initdb and kills it (with its children) as soon as <paramref name="killWhenExists"/> appears.</summary>
    public static async Task MakeHalfInitializedAsync(string dataDirectory, string killWhenExists)
    {
        var (initdb, _, osUser) = await ToolsAsync();
        Directory.CreateDirectory(dataDirectory);
        await osUser.GiveOwnershipAsync(dataDirectory, recursive: false, CancellationToken.None);
        using var process = Start(osUser, initdb, ["-D", dataDirectory, "-A", "trust", "-U", Superuser, "--encoding=UTF8", "--locale=C"]);
        var target = Path.Combine(dataDirectory, killWhenExists);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(target) && !Directory.Exists(target) && !process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(1);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")), "the killed initdb should have written PG_VERSION");
        Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.opts")), "the folder must never have been started");
    }

    /// <summary>A complete old-style cluster with TerraFlow's schema (migrated as the superuser) and one row to find again.</summary>
    public static async Task MakeCompleteAsync(string dataDirectory, string secretName)
    {
        var (initdb, pgCtl, osUser) = await ToolsAsync();
        Directory.CreateDirectory(dataDirectory);
        await osUser.GiveOwnershipAsync(dataDirectory, recursive: false, CancellationToken.None);
        await RunAsync(osUser, initdb, ["-D", dataDirectory, "-A", "trust", "-U", Superuser, "--encoding=UTF8", "--locale=C", "--no-sync"]);
        var port = LoopbackPort.Free();
        var log = Path.Combine(dataDirectory, "terraflow-postgres.log");
        await RunAsync(osUser, pgCtl, ["start", "-D", dataDirectory, "-w", "-l", log, "-o",
            $"-p {port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories="]);
        try
        {
            var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = Superuser, Database = "postgres", Pooling = false };
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand("create database terraflow template template0", connection);
                await create.ExecuteNonQueryAsync();
            }

            admin.Database = "terraflow";
            await using var dataSource = NpgsqlDataSource.Create(admin.ConnectionString);
            await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
            await using var insert = dataSource.CreateCommand("insert into service_secrets (name, value) values ($1, '\\x01')");
            insert.Parameters.AddWithValue(secretName);
            await insert.ExecuteNonQueryAsync();
        }
        finally
        {
            await RunAsync(osUser, pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w"]);
        }
    }

    private static async Task<(string InitDb, string PgCtl, PostgresOsUser OsUser)> ToolsAsync()
    {
        var binaries = await PostgresBinaries.LocateAsync(NullLogger.Instance, CancellationToken.None);
        return (binaries.InitDb, binaries.PgCtl, await PostgresOsUser.DetectAsync(CancellationToken.None));
    }

    private static Process Start(PostgresOsUser osUser, string tool, IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo(osUser.RunsAsServiceAccount ? "runuser" : tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/",
        };
        if (osUser.RunsAsServiceAccount) foreach (var a in new[] { "-u", "postgres", "--", tool }) psi.ArgumentList.Add(a);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(PostgresOsUser osUser, string tool, IReadOnlyList<string> arguments)
    {
        var result = await osUser.RunAsync(tool, arguments, TimeSpan.FromSeconds(120), CancellationToken.None);
        Assert.True(result.Succeeded, $"{Path.GetFileName(tool)} failed: {result.CombinedOutput}");
    }
}
