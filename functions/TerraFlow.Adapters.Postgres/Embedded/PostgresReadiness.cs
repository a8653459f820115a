using Npgsql;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>Waits until a server accepts connections and makes sure a database exists.</summary>
internal static class PostgresReadiness
{
    /// <summary>Connection string to a loopback server (password when the cluster requires one); pooling off for our short admin sessions.</summary>
    public static string ConnectionString(int port, string userName, string database, bool pooling = true, string? password = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = userName,
            Database = database,
        };
        if (password is not null)
        {
            builder.Password = password;
        }

        if (!pooling)
        {
            builder.Pooling = false;
        }

        return builder.ConnectionString;
    }

    /// <summary>True when a connection succeeds within <paramref name="timeout"/>; the last error otherwise.</summary>
    public static async Task<Exception?> WaitForConnectionAsync(string connectionString, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return ex;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Creates <paramref name="database"/> unless it exists (e.g. a persistent cluster's second start).</summary>
    public static async Task EnsureDatabaseAsync(string adminConnectionString, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(database)} TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process sharing the cluster created it between our check and our CREATE: that is fine.
        }
    }
}
