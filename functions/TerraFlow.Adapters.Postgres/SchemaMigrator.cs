using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Applies the embedded SQL migrations in order. A transaction-scoped advisory lock serializes instances that
/// start at the same time: the first applies, the others wait and then find nothing left to do.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // An arbitrary constant that identifies "TerraFlow schema migration" among advisory locks.
    private const long MigrationLockKey = 0x7465727261666c6f;

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Execute(conn, tx, $"select pg_advisory_xact_lock({MigrationLockKey})", ct);
        await Execute(conn, tx, "create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())", ct);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("select version from schema_migrations", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));

        foreach (var (version, sql) in LoadMigrations())
        {
            if (applied.Contains(version)) continue;
            logger.LogInformation("Applying schema migration {Version}", version);
            await Execute(conn, tx, sql, ct);
            await using var record = new NpgsqlCommand("insert into schema_migrations (version) values ($1)", conn, tx);
            record.Parameters.AddWithValue(version);
            await record.ExecuteNonQueryAsync(ct);
            // Tests die here to show an interrupted migration leaves nothing behind (it is one transaction).
            TerraFlow.Adapters.Postgres.Embedded.CrashHook.Reached(TerraFlow.Adapters.Postgres.Embedded.CrashHook.DuringMigrations);
        }
        await tx.CommitAsync(ct);
    }

    private static IEnumerable<(string Version, string Sql)> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        const string prefix = "TerraFlow.Adapters.Postgres.Migrations.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name[prefix.Length..^".sql".Length], reader.ReadToEnd());
        }
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
