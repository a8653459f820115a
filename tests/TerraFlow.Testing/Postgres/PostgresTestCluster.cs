using System.Text;
using Npgsql;
using TerraFlow.Adapters.Postgres.Embedded;

namespace TerraFlow.Testing.Postgres;

/// <summary>
/// One PostgreSQL server per test process, shared by all tests, each test getting its own empty database.
/// The server is the one named by env <c>TERRAFLOW_TEST_POSTGRES</c> (an Npgsql connection string with rights to
/// CREATE DATABASE) or, when that is unset, a throw-away <see cref="EmbeddedPostgres"/> cluster started on first use
/// and stopped when the process exits. Usage: <c>var cs = await PostgresTestCluster.Shared.CreateDatabaseAsync("runs");</c>
/// </summary>
public sealed class PostgresTestCluster
{
    /// <summary>Env var naming an existing server to use instead of starting one.</summary>
    public const string ExternalServerVariable = "TERRAFLOW_TEST_POSTGRES";

    private readonly Lazy<Task<Server>> server;
    private readonly List<string> createdOnExternalServer = [];

    private PostgresTestCluster()
    {
        server = new Lazy<Task<Server>>(StartServerAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
    }

    /// <summary>The process-wide instance (thread-safe; the server starts on the first call that needs it).</summary>
    public static PostgresTestCluster Shared { get; } = new();

    /// <summary>Connection string to the server's maintenance database ("postgres"), for admin work.</summary>
    public async Task<string> GetServerConnectionStringAsync()
    {
        return (await server.Value.ConfigureAwait(false)).AdminConnectionString;
    }

    /// <summary>
    /// Creates a new, empty database (from template0, so it is fast and has no leftovers) and returns an Npgsql
    /// connection string to it. <paramref name="prefix"/> makes the name recognizable in logs (e.g. "runs").
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var current = await server.Value.ConfigureAwait(false);
        var name = UniqueDatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(current.AdminConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(name)} TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        if (current.Embedded is null)
        {
            lock (createdOnExternalServer)
            {
                createdOnExternalServer.Add(name);
            }
        }

        return new NpgsqlConnectionStringBuilder(current.AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>"prefix_" + 16 random hex chars, lower-cased and cut to PostgreSQL's 63-char identifier limit.</summary>
    internal static string UniqueDatabaseName(string? prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in (prefix ?? "test").ToLowerInvariant())
        {
            cleaned.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var stem = cleaned.Length == 0 || char.IsAsciiDigit(cleaned[0]) ? "t_" + cleaned : cleaned.ToString();
        if (stem.Length > 40)
        {
            stem = stem[..40];
        }

        return $"{stem}_{Guid.NewGuid():N}"[..(stem.Length + 17)];
    }

    private static async Task<Server> StartServerAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var admin = new NpgsqlConnectionStringBuilder(external) { Pooling = false };
            if (string.IsNullOrEmpty(admin.Database))
            {
                admin.Database = "postgres";
            }

            return new Server(admin.ConnectionString, Embedded: null);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var embedded = await EmbeddedPostgres.StartAsync(EmbeddedPostgresOptions.ForTests(), logger: null, timeout.Token).ConfigureAwait(false);
        return new Server(embedded.ConnectionStringFor("postgres"), embedded);
    }

    /// <summary>Stops the embedded server, or drops the databases this process created on an external one.</summary>
    private void Shutdown()
    {
        if (!server.IsValueCreated || !server.Value.IsCompletedSuccessfully)
        {
            return;
        }

        var current = server.Value.Result;
        NpgsqlConnection.ClearAllPools();
        if (current.Embedded is not null)
        {
            // Immediate, not DisposeAsync: the test host may kill this process soon after ProcessExit starts.
            current.Embedded.StopImmediately();
            return;
        }

        DropExternalDatabases(current.AdminConnectionString);
    }

    private void DropExternalDatabases(string adminConnectionString)
    {
        string[] names;
        lock (createdOnExternalServer)
        {
            names = [.. createdOnExternalServer];
        }

        try
        {
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
            foreach (var name in names)
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(name)} WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort at process exit: leftover test databases on a shared server are harmless.
        }
    }

    private sealed record Server(string AdminConnectionString, EmbeddedPostgres? Embedded);
}
