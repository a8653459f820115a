using Npgsql;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Job rows written inside workflow transactions.</summary>
public static class JobRepository
{
    private const string InsertSql = "insert into jobs (run_id, kind, project_name, spec, max_attempts) values ($1, $2, $3, $4::jsonb, $5)";

    /// <summary>
    /// How many times a runner may take the job. A plan or discovery may simply run again after its runner died;
    /// an apply never: nobody knows how far the first attempt got, so a second one could apply a plan twice.
    /// </summary>
    public static int MaxAttempts(string kind) => kind == JobKinds.Apply ? 1 : 3;

    /// <summary>
    /// Queues a job and returns its id. The notification wakes idle runners in every process once this commits
    /// (they also poll, so a lost one only delays).
    /// </summary>
    public static async Task<long> EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, JobSpec spec, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        batch.Add(InsertSql + " returning id", spec.RunId, spec.Kind, SqlBatch.Text(spec.Project?.Name), JobWire.Write(spec), MaxAttempts(spec.Kind));
        batch.Notify("terraflow_jobs");
        return (long)(await batch.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Adds the job to a batch (no id comes back; the workflow never needs it).</summary>
    public static void Add(SqlBatch batch, JobSpec spec)
    {
        batch.Add(InsertSql, spec.RunId, spec.Kind, SqlBatch.Text(spec.Project?.Name), JobWire.Write(spec), MaxAttempts(spec.Kind));
        batch.Notify("terraflow_jobs");
    }

    /// <summary>
    /// Cancels the run's unfinished jobs. A runner holding one (PostgreSQL queue) loses its lease at the next renewal
    /// and stops. A job already sent to Service Bus cannot be withdrawn: a runner still runs it, and its result is
    /// ignored because the run it belongs to is superseded or closed (a terminal state).
    /// Applies are never cancelled: once the workflow moved a project to applying (approved, requirements checked),
    /// the apply runs and its result is recorded even if the run is superseded or closed meanwhile; stopping one
    /// midway could leave infrastructure half-applied. Applies waiting on dependencies have no job yet.
    /// </summary>
    public static async Task<int> CancelRunJobsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(CancelSql, conn, tx);
        cmd.Parameters.AddWithValue(runId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static void AddCancelRunJobs(SqlBatch batch, long runId) => batch.Add(CancelSql, runId);

    private const string CancelSql = """
        update jobs set status = 'cancelled', finished_at = now(), lease_token = null
        where run_id = $1 and status in ('queued', 'leased', 'dispatched') and kind <> 'apply'
        """;
}
