using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Integration.Tests.DisasterRecovery;

/// <summary>
/// pg_dump / pg_restore from the same PostgreSQL installation the embedded cluster runs on (found the way
/// <see cref="EmbeddedPostgres"/> finds initdb), so the dump tools are never older than the server. They talk to the
/// server over TCP with the test connection string's user, so they need no postgres OS user even when run as root.
/// </summary>
internal static class PostgresDumpTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary><c>pg_dump -Fc</c> (custom format: compressed, restorable table by table) of the database in <paramref name="connectionString"/>.</summary>
    public static async Task DumpAsync(string connectionString, string dumpFile, CancellationToken ct)
    {
        var bin = await BinDirectoryAsync(ct);
        await RunAsync(Path.Combine(bin, "pg_dump"), connectionString, ["--format=custom", "--file=" + dumpFile], ct);
    }

    /// <summary>
    /// <c>pg_restore</c> into the (new, empty) database in <paramref name="connectionString"/>. No owners or grants:
    /// the secondary's roles need not match the primary's, which is also true for a restore into a new Azure server.
    /// </summary>
    public static async Task RestoreAsync(string dumpFile, string connectionString, CancellationToken ct)
    {
        var bin = await BinDirectoryAsync(ct);
        await RunAsync(Path.Combine(bin, "pg_restore"), connectionString, ["--no-owner", "--no-privileges", "--exit-on-error", dumpFile], ct);
    }

    private static async Task<string> BinDirectoryAsync(CancellationToken ct)
    {
        var binaries = await PostgresBinaries.LocateAsync(NullLogger.Instance, ct);
        foreach (var tool in new[] { "pg_dump", "pg_restore" })
        {
            if (!File.Exists(Path.Combine(binaries.BinDirectory, tool)))
                throw new InvalidOperationException($"{tool} is missing from {binaries.BinDirectory}; the drill needs PostgreSQL's client tools (Debian: postgresql-client).");
        }

        return binaries.BinDirectory;
    }

    private static async Task RunAsync(string tool, string connectionString, IEnumerable<string> arguments, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        start.ArgumentList.Add("--host=" + cs.Host);
        start.ArgumentList.Add("--port=" + cs.Port);
        start.ArgumentList.Add("--username=" + cs.Username);
        start.ArgumentList.Add("--dbname=" + cs.Database);
        start.ArgumentList.Add("--no-password");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The environment, not the command line: a password on the command line is visible to every local user.
        if (!string.IsNullOrEmpty(cs.Password)) start.Environment["PGPASSWORD"] = cs.Password;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(tool)} did not finish within {Timeout}.");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}: {await stderr}{await stdout}");
    }
}
