using Npgsql;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>The workflow's storage in PostgreSQL: each unit of work is one connection and one transaction.</summary>
public sealed class PostgresWorkflowStore(NpgsqlDataSource dataSource) : IWorkflowStore
{
    public async Task<IWorkflowTransaction> BeginAsync(CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            return new PostgresWorkflowTransaction(conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async Task<StoredRun?> LoadRunSnapshotAsync(long runId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await RunRepository.LoadAsync(conn, null, runId, forUpdate: false, ct);
    }

    public async Task<long?> LatestRunIdAsync(PullRequestAddress pullRequest, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await RunRepository.LatestRunIdAsync(conn, null, pullRequest.Provider, pullRequest.Repo, pullRequest.Number, ct);
    }

    public async Task<string?> ApprovalTokenSpentByAsync(string tokenId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ApprovalTokens.SpentByAsync(conn, tokenId, ct);
    }
}
