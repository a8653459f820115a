using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace TerraFlow.Benchmarks.Load;

/// <summary>
/// Runs PostgreSQL's own <c>pgbench -N</c> (the TPC-B-like script without the tellers/branches updates: per
/// transaction one update, one select, one insert) against the server the load tool uses, in its own database, so
/// TerraFlow's throughput can be given as a ratio to what the same server does on the same machine at the same time.
/// The binary: <c>--pgbench-path</c>, else <c>$TERRAFLOW_POSTGRES_BINDIR/pgbench</c>, else the highest
/// <c>/usr/lib/postgresql/&lt;version&gt;/bin/pgbench</c>, else <c>pgbench</c> on PATH.
/// </summary>
internal sealed partial class PgBench(string executable, NpgsqlConnectionStringBuilder target)
{
    public static PgBench? Locate(string? explicitPath, string databaseConnectionString)
    {
        var path = explicitPath ?? Candidates().FirstOrDefault(File.Exists);
        return path is null ? null : new PgBench(path, new NpgsqlConnectionStringBuilder(databaseConnectionString));
    }

    public string Executable => executable;

    /// <summary><c>pgbench -i -s scale -q</c>: the standard tables (scale × 100,000 accounts).</summary>
    public async Task InitializeAsync(int scale, CancellationToken ct)
    {
        var result = await RunAsync(["-i", "-s", scale.ToString(CultureInfo.InvariantCulture), "-q"], ct);
        if (result.ExitCode != 0) throw new InvalidOperationException($"pgbench -i failed ({result.ExitCode}): {result.Output}");
    }

    /// <summary><c>pgbench -N -c clients -j threads -T seconds</c>; returns its tps (without initial connection time).</summary>
    public async Task<double> RunAsync(int clients, int threads, int seconds, CancellationToken ct)
    {
        var result = await RunAsync(["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads.ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture), "-n"], ct);
        var tps = Tps().Match(result.Output);
        if (result.ExitCode != 0 || !tps.Success) throw new InvalidOperationException($"pgbench -N failed ({result.ExitCode}): {result.Output}");
        return double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username! })
            start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add(target.Database!);
        // The password, when there is one, goes by environment, never on the command line.
        if (!string.IsNullOrEmpty(target.Password)) start.Environment["PGPASSWORD"] = target.Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("TERRAFLOW_POSTGRES_BINDIR") is { Length: > 0 } bin) yield return Path.Combine(bin, "pgbench");
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql")
                         .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                yield return Path.Combine(dir, "bin", "pgbench");
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return Path.Combine(dir, "pgbench");
    }

    // "tps = 7345.123456 (without initial connection time)" (pgbench 14+); older ones print "excluding connections establishing".
    [GeneratedRegex(@"tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)")]
    private static partial Regex Tps();
}
