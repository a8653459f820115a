using Npgsql;
using TerraFlow.Application.Comments;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>The committed run, read on a connection of its own without a transaction (nothing is locked).</summary>
public sealed class PostgresRunReader(NpgsqlDataSource dataSource) : IRunReader
{
    public async Task<StoredRun?> LoadAsync(long runId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await RunRepository.LoadAsync(conn, null, runId, forUpdate: false, ct);
    }
}
