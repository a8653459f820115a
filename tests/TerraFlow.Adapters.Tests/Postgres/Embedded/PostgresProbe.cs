using Npgsql;

namespace TerraFlow.Adapters.Tests.Postgres.Embedded;

/// <summary>Unpooled one-shot queries, so a stopped server is observed as stopped rather than via a cached connection.</summary>
internal static class PostgresProbe
{
    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public static async Task ExecuteAsync(string connectionString, string sql) => await ScalarAsync(connectionString, sql);

    public static async Task<bool> TableExistsAsync(string connectionString, string table) =>
        await ScalarAsync(connectionString, $"SELECT to_regclass('public.{table}') IS NOT NULL") is true;

    /// <summary>A unique directory under the temp folder for a persistent cluster; the caller deletes it.</summary>
    public static string NewPersistentDataDirectory() =>
        Path.Combine(Path.GetTempPath(), "terraflow-pgtest-" + Guid.NewGuid().ToString("N")[..10], "postgres");

    public static void DeleteQuietly(string dataDirectory)
    {
        var root = Path.GetDirectoryName(dataDirectory)!;
        try
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail the test that already asserted what it needed.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
