using Npgsql;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Job rows written inside workflow transactions.</summary>
public static class JobRepository
{
    public static async Task<long> EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, JobSpec spec, CancellationToken ct)
    {
        // The notification wakes idle runners in every process (they also poll, so a lost one only delays).
        const string sql = "insert into jobs (run_id, kind, project_name, spec) values ($1, $2, $3, $4::jsonb) returning id";
        var id = (long)(await Notifying.InsertAsync(conn, tx, "terraflow_jobs", sql,
        [
            new NpgsqlParameter { Value = spec.RunId },
            new NpgsqlParameter { Value = spec.Kind },
            RunRepository.Text(spec.Project?.Name),
            new NpgsqlParameter { Value = StoreJson.Serialize(spec) },
        ], ct))!;
        return id;
    }

    /// <summary>Cancels the run's unfinished jobs. A runner holding one loses its lease at the next renewal and stops.</summary>
    public static async Task<int> CancelRunJobsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        const string sql = """
            update jobs set status = 'cancelled', finished_at = now(), lease_token = null
            where run_id = $1 and status in ('queued', 'leased')
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(runId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
