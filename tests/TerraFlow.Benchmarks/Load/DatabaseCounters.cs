using System.Globalization;
using Npgsql;

namespace TerraFlow.Benchmarks.Load;

/// <summary>
/// What the database did in a window: committed transactions of TerraFlow's database (<c>pg_stat_database</c>;
/// read-only ones included), transaction ids handed out on the whole server (one per transaction or savepoint that
/// wrote: the write transactions) and, when the server preloads <c>pg_stat_statements</c>, statements executed in
/// TerraFlow's database.
/// </summary>
internal sealed record DatabaseCounters(long Commits, long Xids, long? Statements)
{
    public static async Task<DatabaseCounters> ReadAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        // The stats snapshot of this backend would otherwise be cached for its transaction: read fresh numbers.
        await using (var clear = new NpgsqlCommand("select pg_stat_clear_snapshot()", conn)) await clear.ExecuteNonQueryAsync();
        long commits, xids;
        await using (var cmd = new NpgsqlCommand("""
            select xact_commit, pg_snapshot_xmax(pg_current_snapshot())::text::bigint
            from pg_stat_database where datname = current_database()
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            commits = r.GetInt64(0);
            xids = r.GetInt64(1);
        }
        return new DatabaseCounters(commits, xids, await StatementsAsync(conn));
    }

    /// <summary>This window's counts; <paramref name="polls"/> read-only transactions of the load tool itself are taken off.</summary>
    public DatabaseCounters Minus(DatabaseCounters start, int polls) =>
        new(Commits - start.Commits - polls - 1, Xids - start.Xids, Statements - start.Statements);

    public string Describe(int per)
    {
        var statements = Statements is { } s ? (s / (double)per).ToString("F1", CultureInfo.InvariantCulture) : "n/a (pg_stat_statements not preloaded)";
        return $"{Commits / (double)per:F1} committed transactions, {Xids / (double)per:F1} transaction ids (writes), {statements} statements";
    }

    private static async Task<long?> StatementsAsync(NpgsqlConnection conn)
    {
        try
        {
            await using (var create = new NpgsqlCommand("create extension if not exists pg_stat_statements", conn)) await create.ExecuteNonQueryAsync();
            await using var cmd = new NpgsqlCommand("""
                select coalesce(sum(calls), 0)::bigint from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                """, conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            // Not in shared_preload_libraries (the embedded test cluster): no statement counts.
            return null;
        }
    }
}
