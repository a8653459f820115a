using Npgsql;
using TerraFlow.Application.Drift;

namespace TerraFlow.Adapters.Postgres.Drift;

/// <summary>The drift tables (migration 0011): each unit of work is one connection and one transaction.</summary>
public sealed class PostgresDriftStore(NpgsqlDataSource dataSource) : IDriftStore
{
    public async Task<IDriftTransaction> BeginAsync(CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return new PostgresDriftTransaction(conn, await conn.BeginTransactionAsync(ct));
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }
}
