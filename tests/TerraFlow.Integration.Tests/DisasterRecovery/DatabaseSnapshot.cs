using Npgsql;

namespace TerraFlow.Integration.Tests.DisasterRecovery;

/// <summary>
/// Every row of every table in the public schema, as text, so two databases can be compared table by table. Rows
/// are rendered in UTC so that two servers with different time-zone settings still print the same timestamps.
/// Sequence positions are included: a restore that forgot them would hand out ids that collide with restored rows.
/// </summary>
internal sealed record DatabaseSnapshot(IReadOnlyDictionary<string, IReadOnlyList<string>> Tables, IReadOnlyDictionary<string, long> Sequences)
{
    public static async Task<DatabaseSnapshot> TakeAsync(string connectionString, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(cs.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var utc = new NpgsqlCommand("set time zone 'UTC'", connection))
            await utc.ExecuteNonQueryAsync(ct);

        var tables = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var table in await NamesAsync(connection, "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'", ct))
        {
            var rows = new List<string>();
            await using var select = new NpgsqlCommand($"select t::text from public.\"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(reader.GetString(0));
            rows.Sort(StringComparer.Ordinal);
            tables[table] = rows;
        }

        var sequences = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var sequence in await NamesAsync(connection, "select sequencename from pg_sequences where schemaname = 'public'", ct))
        {
            await using var last = new NpgsqlCommand($"select coalesce(last_value, 0) from pg_sequences where schemaname = 'public' and sequencename = '{sequence}'", connection);
            sequences[sequence] = Convert.ToInt64(await last.ExecuteScalarAsync(ct));
        }

        return new DatabaseSnapshot(tables, sequences);
    }

    public IReadOnlyList<string> Rows(string table) =>
        Tables.TryGetValue(table, out var rows) ? rows : throw new Xunit.Sdk.XunitException($"table {table} is missing from the snapshot");

    private static async Task<List<string>> NamesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var names = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }
}
