using Npgsql;
using TerraFlow.Application.Drift;

namespace TerraFlow.Adapters.Postgres;

/// <summary><see cref="IDriftIssueStore"/> in table <c>drift_issues</c> (migration 0012), one row per project.</summary>
internal sealed class PostgresDriftIssueStore(NpgsqlDataSource db) : IDriftIssueStore
{
    public async Task<DriftIssueRecord?> GetAsync(long projectId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select provider, issue_number, open, last_run_id, updated_at from drift_issues where project_id = $1");
        cmd.Parameters.AddWithValue(projectId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new DriftIssueRecord(projectId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetBoolean(2), reader.GetInt64(3),
            reader.GetFieldValue<DateTimeOffset>(4));
    }

    public async Task<bool> SaveAsync(DriftIssueRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        // A late retry of an older run's report must not point the project back at what that run saw.
        await using var cmd = db.CreateCommand("""
            insert into drift_issues as d (project_id, provider, issue_number, open, last_run_id, updated_at)
            values ($1, $2, $3, $4, $5, $6)
            on conflict (project_id) do update set
                provider = excluded.provider, issue_number = excluded.issue_number, open = excluded.open,
                last_run_id = excluded.last_run_id, updated_at = excluded.updated_at
            where d.last_run_id <= excluded.last_run_id
            """);
        cmd.Parameters.AddWithValue(record.ProjectId);
        cmd.Parameters.AddWithValue(record.Provider);
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = record.IssueNumber, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(record.Open);
        cmd.Parameters.AddWithValue(record.LastRunId);
        cmd.Parameters.AddWithValue(record.UpdatedAt);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
