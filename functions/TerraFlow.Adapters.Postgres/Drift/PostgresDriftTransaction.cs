using Npgsql;
using NpgsqlTypes;
using TerraFlow.Application.Drift;
using TerraFlow.Application.Outbox;
using TerraFlow.Core.Catalog;
using TerraFlow.Core.Drift;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres.Drift;

/// <summary>One transaction over the drift tables; see <see cref="IDriftTransaction"/>.</summary>
internal sealed class PostgresDriftTransaction(NpgsqlConnection conn, NpgsqlTransaction tx) : IDriftTransaction
{
    private bool _done;

    public async Task<IReadOnlyList<DueDriftCheck>> ClaimDueChecksAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        // SKIP LOCKED: a row another host claimed is skipped, and once that host commits it is no longer due.
        await using var cmd = Command("""
            select s.project_id, s.repository_id, r.provider || ':' || r.owner || '/' || r.name, p.name, s.schedule, s.time_zone,
                   s.offset_seconds, s.next_tick_at, s.due_at
            from drift_schedules s
            join projects p on p.id = s.project_id
            join repositories r on r.id = s.repository_id
            where s.due_at <= $1 and s.schedule is not null
            order by s.due_at, s.project_id
            limit $2
            for update of s skip locked
            """, now, limit);
        var due = new List<DueDriftCheck>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            due.Add(new DueDriftCheck(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), TimeSpan.FromSeconds(reader.GetInt32(6)),
                reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
        return due;
    }

    public async Task AdvanceAsync(long projectId, DateTimeOffset? nextTick, DateTimeOffset? nextDue, CancellationToken ct)
    {
        await using var cmd = Command("update drift_schedules set next_tick_at = $2, due_at = $3, updated_at = now() where project_id = $1",
            projectId, Timestamp(nextTick), Timestamp(nextDue));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<long>> ClaimDueConfigReadsAsync(DateTimeOffset now, DateTimeOffset next, int limit, CancellationToken ct)
    {
        // Repositories seen since the last claim get a row, due at once (conflicts: another host inserted it first).
        await using (var insert = Command("""
            insert into drift_repositories (repository_id, config_due_at)
            select r.id, $1 from repositories r
            where r.clone_url is not null and not exists (select 1 from drift_repositories d where d.repository_id = r.id)
            on conflict do nothing
            """, now))
            await insert.ExecuteNonQueryAsync(ct);
        await using var cmd = Command("""
            with due as (
                select repository_id from drift_repositories where config_due_at <= $1
                order by config_due_at, repository_id limit $3 for update skip locked
            )
            update drift_repositories d set config_due_at = $2 from due where d.repository_id = due.repository_id
            returning d.repository_id
            """, now, next, limit);
        var ids = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    public async Task<long?> StartCheckAsync(long? repositoryId, long? projectId, RunTrigger trigger, DateTimeOffset? dueAt, CancellationToken ct)
    {
        string provider, owner, name, cloneUrl;
        long repository;
        long? installation;
        ProjectDefinition? project = null;
        await using (var find = Command("""
            select r.id, r.provider, r.owner, r.name, r.installation_id, r.clone_url, p.name, p.dir, p.workspace
            from repositories r left join projects p on p.id = $2 and p.repository_id = r.id
            where r.id = coalesce($1, p.repository_id) and ($2 is null or p.id is not null)
            """, SqlBatch.Bigint(repositoryId), SqlBatch.Bigint(projectId)))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(5)) return null;
            repository = reader.GetInt64(0);
            provider = reader.GetString(1);
            owner = reader.GetString(2);
            name = reader.GetString(3);
            installation = reader.IsDBNull(4) ? null : reader.GetInt64(4);
            cloneUrl = reader.GetString(5);
            if (!reader.IsDBNull(6))
                project = new ProjectDefinition(reader.GetString(6), reader.GetString(7), reader.GetString(8), ProjectDefaults.WhenModified, [], Autoplan: false);
        }
        var operationId = Guid.NewGuid().ToString("N");
        long runId;
        await using (var run = Command("""
            insert into runs (provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url, status,
                              requested_project, operation_id, trigger_kind, repository_id)
            values ($1, $2, $3, $4, null, '', '', $5, 'planning', $6, $7, $8, $9)
            returning id
            """, provider, owner, name, SqlBatch.Bigint(installation), cloneUrl, SqlBatch.Text(project?.Name), operationId, TriggerText(trigger), repository))
            runId = (long)(await run.ExecuteScalarAsync(ct))!;

        var spec = DriftJobs.Spec(runId, provider, new RepoRef(owner, name, installation), cloneUrl, project, operationId);
        var batch = new SqlBatch(conn, tx);
        JobRepository.Add(batch, spec);
        batch.Add("insert into drift_checks (run_id, repository_id, project_id, trigger_kind, due_at) values ($1, $2, $3, $4, $5)",
            runId, repository, SqlBatch.Bigint(projectId), TriggerText(trigger), Timestamp(dueAt));
        batch.Add("insert into audit_events (run_id, actor, action, detail) values ($1, $2, 'drift_check_started', $3)",
            runId, trigger == RunTrigger.Manual ? "api" : "scheduler",
            project is null ? "read the default branch's drift configuration" : $"drift check of project {project.Name}");
        await batch.ExecuteAsync(ct);
        return runId;
    }

    public async Task<DriftCheckInProgress?> LoadCheckAsync(long runId, CancellationToken ct)
    {
        await using var cmd = Command("""
            select c.repository_id, r.provider, r.owner, r.name, r.installation_id, r.clone_url, r.first_seen_at, r.last_seen_at,
                   p.id, p.name, p.dir, p.workspace, p.first_seen_at, p.last_seen_at,
                   coalesce(s.state, 'never'), s.first_detected_at,
                   (select '#' || l.pr_number from project_locks l
                    where p.id is not null and l.provider = r.provider and l.repo_owner = r.owner and l.repo_name = r.name
                      and l.lock_key = p.dir || '::' || p.workspace)
            from drift_checks c
            join repositories r on r.id = c.repository_id
            left join projects p on p.id = c.project_id
            left join drift_states s on s.project_id = c.project_id
            where c.run_id = $1 and c.finished_at is null
            for update of c
            """, runId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var repository = new Repository(reader.GetInt64(0), reader.GetString(1),
            new RepoRef(reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7));
        Project? project = reader.IsDBNull(8) ? null : new Project(reader.GetInt64(8), repository.Id, reader.GetString(9), reader.GetString(10),
            reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateTimeOffset>(13));
        return new DriftCheckInProgress(runId, repository, project, DriftStateText.Parse(reader.GetString(14)),
            reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.IsDBNull(16) ? null : reader.GetString(16));
    }

    public async Task<IReadOnlyDictionary<string, StoredDriftSchedule>> LoadSchedulesAsync(long repositoryId, CancellationToken ct)
    {
        await using var cmd = Command("""
            select p.name, s.schedule, s.time_zone, s.window_seconds, s.next_tick_at, s.due_at
            from drift_schedules s join projects p on p.id = s.project_id
            where s.repository_id = $1
            for update of s
            """, repositoryId);
        var schedules = new Dictionary<string, StoredDriftSchedule>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            schedules[reader.GetString(0)] = new StoredDriftSchedule(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), TimeSpan.FromSeconds(reader.GetInt32(3)),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        return schedules;
    }

    public async Task SaveConfigAsync(long repositoryId, string? commit, string? configError, IReadOnlyList<DriftScheduleRow> schedules, CancellationToken ct)
    {
        var batch = new SqlBatch(conn, tx);
        batch.Add("""
            insert into drift_repositories (repository_id, config_due_at, config_checked_at, config_commit, config_error)
            values ($1, now() + interval '1 hour', now(), $2, $3)
            on conflict (repository_id) do update set config_checked_at = now(), config_commit = excluded.config_commit, config_error = excluded.config_error
            """, repositoryId, SqlBatch.Text(commit), SqlBatch.Text(configError));
        if (configError is null)
        {
            foreach (var row in schedules)
            {
                batch.Add("""
                    insert into projects (repository_id, name, dir, workspace) values ($1, $2, $3, $4)
                    on conflict (repository_id, name) do update set dir = excluded.dir, workspace = excluded.workspace, last_seen_at = now()
                    """, repositoryId, row.ProjectName, row.Dir, row.Workspace);
                batch.Add("""
                    insert into drift_schedules (project_id, repository_id, schedule, time_zone, window_seconds, offset_seconds, remediation, next_tick_at, due_at)
                    select id, $1, $3, $4, $5, $6, $7, $8, $9 from projects where repository_id = $1 and name = $2
                    on conflict (project_id) do update set schedule = excluded.schedule, time_zone = excluded.time_zone,
                        window_seconds = excluded.window_seconds, offset_seconds = excluded.offset_seconds, remediation = excluded.remediation,
                        next_tick_at = excluded.next_tick_at, due_at = excluded.due_at, updated_at = now()
                    """, repositoryId, row.ProjectName, SqlBatch.Text(row.Drift.Schedule), SqlBatch.Text(row.Drift.TimeZone),
                    (int)row.Drift.Window.TotalSeconds, (int)row.Offset.TotalSeconds, RemediationText(row.Drift.Remediation),
                    Timestamp(row.NextTick), Timestamp(row.DueAt));
            }
            // Projects the default branch no longer has, or no longer schedules: off.
            batch.Add("""
                update drift_schedules s set schedule = null, next_tick_at = null, due_at = null, updated_at = now()
                from projects p where p.id = s.project_id and s.repository_id = $1 and s.schedule is not null and not (p.name = any($2))
                """, repositoryId, schedules.Select(s => s.ProjectName).ToArray());
        }
        await batch.ExecuteAsync(ct);
    }

    public async Task FinishCheckAsync(DriftCheckInProgress check, DriftOutcome outcome, DriftCheckResult? result, IReadOnlyList<string> reporters, CancellationToken ct)
    {
        var state = result?.State ?? outcome.State;
        var batch = new SqlBatch(conn, tx);
        batch.Add("update drift_checks set finished_at = now(), state = $2 where run_id = $1", check.RunId, DriftStateText.Of(state));
        batch.Add("""
            update runs set status = $2, head_sha = coalesce($3, head_sha), failure_message = $4, updated_at = now() where id = $1
            """, check.RunId, state == DriftState.Failed ? "failed" : "planned", SqlBatch.Text(outcome.CommitSha),
            SqlBatch.Text(state == DriftState.Failed ? outcome.Failure : null));
        batch.Add("insert into audit_events (run_id, actor, action, detail) values ($1, 'runner', 'drift_check_finished', $2)",
            check.RunId, check.Project is null ? "configuration read" : $"project {check.Project.Name}: {DriftStateText.Of(state)}");
        if (result is not null && check.Project is not null)
        {
            batch.Add("""
                insert into drift_states (project_id, state, first_detected_at, last_checked_at, last_run_id, commit_sha, failure, lock_holder, counts)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
                on conflict (project_id) do update set state = excluded.state, first_detected_at = excluded.first_detected_at,
                    last_checked_at = excluded.last_checked_at, last_run_id = excluded.last_run_id, commit_sha = excluded.commit_sha,
                    failure = excluded.failure, lock_holder = excluded.lock_holder, counts = excluded.counts
                """, check.Project.Id, DriftStateText.Of(result.State), Timestamp(result.FirstDetectedAt), result.CheckedAt, check.RunId,
                SqlBatch.Text(outcome.CommitSha), SqlBatch.Text(result.Failure), SqlBatch.Text(result.LockHolder),
                SqlBatch.Text(result.Counts is null ? null : StoreJson.Serialize(result.Counts)));
            foreach (var reporter in reporters)
            {
                var (kind, payload) = OutboxMessageCodec.Encode(new DriftReportMessage(reporter, result));
                batch.Add("insert into outbox (run_id, kind, payload) values ($1, $2, $3::jsonb)", check.RunId, kind, payload);
                batch.Notify("terraflow_outbox");
            }
        }
        await batch.ExecuteAsync(ct);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await tx.CommitAsync(ct);
        _done = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_done) await tx.RollbackAsync();
        }
        catch (NpgsqlException) { /* the connection is gone; so is the transaction */ }
        catch (InvalidOperationException) { }
        await tx.DisposeAsync();
        await conn.DisposeAsync();
    }

    private NpgsqlCommand Command(string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var value in values)
            cmd.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return cmd;
    }

    private static NpgsqlParameter Timestamp(DateTimeOffset? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static string TriggerText(RunTrigger trigger) => trigger == RunTrigger.Manual ? "manual" : "schedule";

    private static string RemediationText(DriftRemediation remediation) => remediation == DriftRemediation.PullRequest ? "pull_request" : "none";
}

/// <summary>Drift states as stored: snake_case text.</summary>
internal static class DriftStateText
{
    public static string Of(DriftState state) => state.ToString().ToLowerInvariant();

    public static DriftState Parse(string text) => Enum.Parse<DriftState>(text, ignoreCase: true);
}
