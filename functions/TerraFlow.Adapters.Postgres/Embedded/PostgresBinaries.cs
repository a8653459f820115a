using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Locates the directory holding the machine's PostgreSQL server binaries (initdb, pg_ctl, postgres).
/// Search order: env TERRAFLOW_POSTGRES_BINDIR, <c>pg_config --bindir</c>, the highest
/// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (Debian's layout), then <c>initdb</c> on PATH with symlinks resolved.
/// </summary>
internal sealed record PostgresBinaries(string BinDirectory)
{
    public const string BinDirEnvironmentVariable = "TERRAFLOW_POSTGRES_BINDIR";

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    public string PgControlData => Path.Combine(BinDirectory, "pg_controldata");

    public static async Task<PostgresBinaries> LocateAsync(ILogger logger, CancellationToken ct)
    {
        var tried = new List<string>();

        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (HasServerBinaries(fromEnvironment))
            {
                return new PostgresBinaries(fromEnvironment);
            }

            throw new EmbeddedPostgresException(
                $"{BinDirEnvironmentVariable}='{fromEnvironment}' does not contain initdb, pg_ctl and postgres.");
        }

        // pg_config may come from libpq-dev alone, so its bindir only counts if the server binaries are really there.
        var pgConfig = await ProcessRunner.RunAsync("pg_config", ["--bindir"], TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        if (pgConfig.Succeeded)
        {
            var dir = pgConfig.StandardOutput.Trim();
            if (HasServerBinaries(dir))
            {
                return new PostgresBinaries(dir);
            }

            tried.Add($"pg_config --bindir = {dir} (no server binaries there)");
        }
        else
        {
            tried.Add("pg_config (not found)");
        }

        var debian = HighestDebianBinDirectory();
        if (debian is not null)
        {
            return new PostgresBinaries(debian);
        }

        tried.Add("/usr/lib/postgresql/<version>/bin (none)");

        var fromPath = FindInitDbOnPath(logger, tried);
        if (fromPath is not null)
        {
            return new PostgresBinaries(fromPath);
        }

        throw new EmbeddedPostgresException(
            "No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found. Tried: " + string.Join("; ", tried) +
            $". Install them (Debian: apt-get install -y postgresql), set {BinDirEnvironmentVariable}, " +
            "or configure a connection string to an existing server.");
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) &&
        File.Exists(Path.Combine(directory, "pg_ctl")) &&
        File.Exists(Path.Combine(directory, "postgres"));

    private static string? HighestDebianBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(dir => (dir, version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1m))
            .Where(candidate => candidate.version >= 0 && HasServerBinaries(Path.Combine(candidate.dir, "bin")))
            .OrderByDescending(candidate => candidate.version)
            .Select(candidate => Path.Combine(candidate.dir, "bin"))
            .FirstOrDefault();
    }

    private static string? FindInitDbOnPath(ILogger logger, List<string> tried)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "initdb");
            if (!File.Exists(candidate))
            {
                continue;
            }

            // /usr/local/bin/initdb is often a symlink into the real bindir; pg_ctl must come from the same place.
            var real = File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? candidate;
            if (!IsElfBinary(real))
            {
                // A wrapper script (e.g. a distribution's version dispatcher) does not tell us where postgres lives.
                logger.LogDebug("Ignoring {Candidate}: it is a script, not the initdb binary", candidate);
                tried.Add($"{candidate} (a script, not a binary)");
                continue;
            }

            var realDir = Path.GetDirectoryName(real)!;
            if (HasServerBinaries(realDir))
            {
                return realDir;
            }

            tried.Add($"{candidate} -> {real} (no pg_ctl/postgres beside it)");
        }

        tried.Add("initdb on PATH (none usable)");
        return null;
    }

    private static bool IsElfBinary(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            Span<byte> magic = stackalloc byte[4];
            return stream.Read(magic) == 4 && magic[0] == 0x7F && magic[1] == (byte)'E' && magic[2] == (byte)'L' && magic[3] == (byte)'F';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
