using Microsoft.Extensions.Hosting;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Functions;

/// <summary>
/// Where the database comes from: <c>ConnectionStrings:Postgres</c> when set, otherwise a private PostgreSQL cluster
/// started from the machine's binaries in a folder TerraFlow owns, stopped when the host stops. The host that started
/// the embedded cluster also restarts its postmaster when it dies; <see cref="EmbeddedServerRunning"/> and
/// <see cref="EmbeddedServerLost"/> feed readiness and liveness.
/// </summary>
public sealed class DatabaseSetup : IHostedService
{
    private readonly EmbeddedPostgres? _embedded;

    private DatabaseSetup(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
    }

    public string ConnectionString { get; }

    /// <summary>False while the embedded postmaster is down (readiness is 503 then). True with an external database.</summary>
    public bool EmbeddedServerRunning => _embedded?.IsServerRunning ?? true;

    /// <summary>True when the embedded postmaster died and could not be restarted (liveness fails then).</summary>
    public bool EmbeddedServerLost => _embedded?.IsLost ?? false;

    public static async Task<DatabaseSetup> ResolveAsync(IConfiguration config, TerraFlowOptions options, ILogger logger, CancellationToken ct)
    {
        var configured = config.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(configured)) return new DatabaseSetup(configured, null);

        var dataDir = Path.GetFullPath(options.DataPath, Directory.GetCurrentDirectory());
        var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDir, Persistent = true, Port = options.EmbeddedPostgresPort }, logger, ct);
        logger.LogInformation("No ConnectionStrings__Postgres set: using the embedded PostgreSQL in {DataDirectory} on port {Port}", embedded.DataDirectory, embedded.Port);
        return new DatabaseSetup(embedded.ConnectionString, embedded);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
