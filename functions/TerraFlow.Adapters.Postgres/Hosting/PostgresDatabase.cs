using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Adapters.Postgres.Hosting;

/// <summary>
/// Where a host's database comes from: <c>ConnectionStrings:Postgres</c> when set, otherwise a private PostgreSQL
/// cluster started from the machine's binaries in a folder TerraFlow owns, stopped when the host stops. The host that
/// started the embedded cluster also restarts its postmaster when it dies; <see cref="EmbeddedServerRunning"/> and
/// <see cref="EmbeddedServerLost"/> feed readiness and liveness.
/// </summary>
public sealed class PostgresDatabase : IHostedService
{
    private readonly EmbeddedPostgres? _embedded;

    private PostgresDatabase(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
    }

    public string ConnectionString { get; }

    /// <summary>False while the embedded postmaster is down (readiness is 503 then). True with an external database.</summary>
    public bool EmbeddedServerRunning => _embedded?.IsServerRunning ?? true;

    /// <summary>True when the embedded postmaster died and could not be restarted (liveness fails then).</summary>
    public bool EmbeddedServerLost => _embedded?.IsLost ?? false;

    /// <param name="configuredConnectionString">The configured database; empty or null starts the embedded one.</param>
    /// <param name="options">Where and on which port the embedded cluster lives (ignored with a configured database).</param>
    public static async Task<PostgresDatabase> ResolveAsync(string? configuredConnectionString, PostgresHostingOptions options, ILogger logger, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(configuredConnectionString)) return new PostgresDatabase(configuredConnectionString, null);

        var dataDir = Path.GetFullPath(options.DataPath, Directory.GetCurrentDirectory());
        var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDir, Persistent = true, Port = options.EmbeddedPort }, logger, ct);
        logger.LogInformation("No ConnectionStrings__Postgres set: using the embedded PostgreSQL in {DataDirectory} on port {Port}", embedded.DataDirectory, embedded.Port);
        return new PostgresDatabase(embedded.ConnectionString, embedded);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the embedded server, if this host started one; an external database is left alone.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}

/// <summary>Where a host keeps its embedded PostgreSQL when no database is configured.</summary>
/// <param name="DataPath">The folder of the persistent cluster, relative to the working directory.</param>
/// <param name="EmbeddedPort">The port of the embedded server; 0 picks a free one.</param>
public sealed record PostgresHostingOptions(string DataPath, int EmbeddedPort);
