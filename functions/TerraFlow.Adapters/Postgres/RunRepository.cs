using Npgsql;
using NpgsqlTypes;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Reads and writes runs and their project runs. Every method works inside the caller's transaction.</summary>
public static class RunRepository
{
    public sealed record NewRun(string Provider, PullRequestInfo PullRequest, string? RequestedProject, bool Explicit, string OperationId);

    public static async Task<long> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewRun run, CancellationToken ct)
    {
        const string sql = """
            insert into runs (provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url,
                              status, requested_project, explicit, operation_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            returning id
            """;
        var pr = run.PullRequest;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(run.Provider);
        cmd.Parameters.AddWithValue(pr.Repo.Owner);
        cmd.Parameters.AddWithValue(pr.Repo.Name);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)pr.Repo.InstallationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(pr.Number);
        cmd.Parameters.AddWithValue(pr.HeadSha);
        cmd.Parameters.AddWithValue(pr.BaseSha);
        cmd.Parameters.AddWithValue(pr.CloneUrl);
        cmd.Parameters.AddWithValue(StoreJson.EnumText(RunStatus.Discovering));
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)run.RequestedProject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(run.Explicit);
        cmd.Parameters.AddWithValue(run.OperationId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Ids of the pull request's runs that a push would supersede (see <see cref="StatusExtensions.Open"/>), oldest first.</summary>
    public static async Task<IReadOnlyList<long>> ActiveRunIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, CancellationToken ct)
    {
        const string sql = """
            select id from runs
            where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4
              and status = any($5)
            order by id
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(repo.Owner);
        cmd.Parameters.AddWithValue(repo.Name);
        cmd.Parameters.AddWithValue(number);
        cmd.Parameters.AddWithValue(StatusExtensions.Open.Select(StoreJson.EnumText).ToArray());
        var ids = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>Loads a run; with <paramref name="forUpdate"/> the row stays locked until the transaction ends.</summary>
    public static async Task<StoredRun?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, bool forUpdate, CancellationToken ct)
    {
        var sql = """
            select provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url, status,
                   requested_project, explicit, config_error::text, failure_message, superseded_by_sha, comment_ids, operation_id
            from runs where id = $1
            """ + (forUpdate ? " for update" : "");
        RunContext context;
        RunState state;
        long[] commentIds;
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
        {
            cmd.Parameters.AddWithValue(runId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            var repo = new RepoRef(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3));
            context = new RunContext(runId, r.GetString(0), repo, r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(15));
            state = new RunState(
                runId,
                context.HeadSha,
                StoreJson.ParseEnum<RunStatus>(r.GetString(8)),
                r.IsDBNull(9) ? null : r.GetString(9),
                r.GetBoolean(10),
                r.IsDBNull(11) ? null : StoreJson.Deserialize<ConfigError>(r.GetString(11)),
                r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetString(13),
                []);
            commentIds = r.GetFieldValue<long[]>(14);
        }
        var projects = await LoadProjectsAsync(conn, tx, runId, ct);
        return new StoredRun(context, state with { Projects = projects }, commentIds);
    }

    private static async Task<IReadOnlyList<ProjectRunState>> LoadProjectsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, CancellationToken ct)
    {
        const string sql = """
            select definition::text, status, plan_summary::text, plan_sha256, artifacts::text, error
            from project_runs where run_id = $1 order by position
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(runId);
        var list = new List<ProjectRunState>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new ProjectRunState(
                StoreJson.Deserialize<ProjectDefinition>(r.GetString(0)),
                StoreJson.ParseEnum<ProjectRunStatus>(r.GetString(1)),
                r.IsDBNull(2) ? null : StoreJson.Deserialize<PlanSummary>(r.GetString(2)),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : StoreJson.Deserialize<PlanArtifactsRef>(r.GetString(4)),
                r.IsDBNull(5) ? null : r.GetString(5)));
        }
        return list;
    }

    /// <summary>Writes the run's new state and every project run that differs from <paramref name="before"/>.</summary>
    public static async Task SaveStateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunState before, RunState after, CancellationToken ct)
    {
        const string sql = """
            update runs set status = $2, config_error = $3::jsonb, failure_message = $4, superseded_by_sha = $5, updated_at = now()
            where id = $1
            """;
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
        {
            cmd.Parameters.AddWithValue(after.RunId);
            cmd.Parameters.AddWithValue(StoreJson.EnumText(after.Status));
            cmd.Parameters.Add(new NpgsqlParameter { Value = after.ConfigError is null ? DBNull.Value : StoreJson.Serialize(after.ConfigError), NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after.FailureMessage ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after.SupersededBySha ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        for (var i = 0; i < after.Projects.Count; i++)
        {
            var project = after.Projects[i];
            var old = before.FindProject(project.Definition.Name);
            if (ReferenceEquals(old, project)) continue;
            await UpsertProjectAsync(conn, tx, after.RunId, i, project, ct);
        }
    }

    private static async Task UpsertProjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, int position, ProjectRunState p, CancellationToken ct)
    {
        const string sql = """
            insert into project_runs (run_id, name, position, definition, status, plan_summary, plan_sha256, artifacts, error)
            values ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7, $8::jsonb, $9)
            on conflict (run_id, name) do update set
                status = excluded.status, plan_summary = excluded.plan_summary, plan_sha256 = excluded.plan_sha256,
                artifacts = excluded.artifacts, error = excluded.error, updated_at = now()
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(p.Definition.Name);
        cmd.Parameters.AddWithValue(position);
        cmd.Parameters.AddWithValue(StoreJson.Serialize(p.Definition));
        cmd.Parameters.AddWithValue(StoreJson.EnumText(p.Status));
        cmd.Parameters.Add(Text(p.Plan is null ? null : StoreJson.Serialize(p.Plan)));
        cmd.Parameters.Add(Text(p.PlanFileSha256));
        cmd.Parameters.Add(Text(p.Artifacts is null ? null : StoreJson.Serialize(p.Artifacts)));
        cmd.Parameters.Add(Text(p.Error));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task SaveCommentIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, IReadOnlyList<long> ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("update runs set comment_ids = $2 where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(ids.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
