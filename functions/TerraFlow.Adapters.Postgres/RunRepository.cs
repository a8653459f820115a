using Npgsql;
using NpgsqlTypes;
using TerraFlow.Application.Ports;
using TerraFlow.Core.Plans;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Vcs;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>Reads and writes runs and their project runs. Every method works inside the caller's transaction.</summary>
public static class RunRepository
{
    /// <summary>Inserts a run and returns its id.</summary>
    public static async Task<long> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewRun run, CancellationToken ct) =>
        (await InsertSupersedingAsync(conn, tx, run, ct)).RunId;

    /// <summary>
    /// Inserts the run and, in the same round trip, finds the pull request's other runs a new run supersedes
    /// (see <see cref="StatusExtensions.Open"/>), oldest first.
    /// </summary>
    /// <param name="before">Statements that return no rows, sent first in the same round trip (collected writes).</param>
    public static async Task<(long RunId, IReadOnlyList<long> Superseded)> InsertSupersedingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewRun run, CancellationToken ct,
        IReadOnlyList<NpgsqlBatchCommand>? before = null)
    {
        var pr = run.PullRequest;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var command in before ?? []) batch.BatchCommands.Add(command);
        // The run's repository is upserted by the same statement (see CatalogRepository.UpsertRepositoryCte).
        var insert = new NpgsqlBatchCommand(CatalogRepository.UpsertRepositoryCte + """
            insert into runs (provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url,
                              status, requested_project, explicit, operation_id, trigger_kind, repository_id)
            select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, repo.id from repo
            returning id
            """);
        var number = run.Trigger == RunTrigger.PullRequest ? (object)pr.Number : DBNull.Value;
        foreach (var value in new object?[] { run.Provider, pr.Repo.Owner, pr.Repo.Name, SqlBatch.Bigint(pr.Repo.InstallationId),
                     new NpgsqlParameter { Value = number, NpgsqlDbType = NpgsqlDbType.Integer },
                     pr.HeadSha, pr.BaseSha, pr.CloneUrl, StoreJson.EnumText(RunStatus.Discovering), SqlBatch.Text(run.RequestedProject), run.Explicit, run.OperationId,
                     StoreJson.EnumText(run.Trigger), pr.FromFork })
            insert.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        var others = OpenRunsCommand(run.Provider, pr.Repo, pr.Number, "and id <> currval(pg_get_serial_sequence('runs', 'id'))");
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(others);

        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var runId = r.GetInt64(0);
        await r.NextResultAsync(ct);
        var superseded = new List<long>();
        while (await r.ReadAsync(ct)) superseded.Add(r.GetInt64(0));
        return (runId, superseded);
    }

    /// <summary>Ids of the pull request's runs that a push would supersede (see <see cref="StatusExtensions.Open"/>), oldest first.</summary>
    public static async Task<IReadOnlyList<long>> ActiveRunIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { OpenRunsCommand(provider, repo, number, "") } };
        var ids = new List<long>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>The pull request's newest run (whatever its status), or null when it has none.</summary>
    public static async Task<long?> LatestRunIdAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string provider, RepoRef repo, int number, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select id from runs where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 order by id desc limit 1", conn, tx);
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(repo.Owner);
        cmd.Parameters.AddWithValue(repo.Name);
        cmd.Parameters.AddWithValue(number);
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>The project a run was asked for (<c>terraflow plan -p</c>), or null.</summary>
    public static async Task<string?> RequestedProjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select requested_project from runs where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(runId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The pull request's runs in an open status, oldest first; <paramref name="extraCondition"/> narrows it.</summary>
    private static NpgsqlBatchCommand OpenRunsCommand(string provider, RepoRef repo, int number, string extraCondition)
    {
        var command = new NpgsqlBatchCommand($"""
            select id from runs
            where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 and status = any($5) {extraCondition}
            order by id
            """);
        foreach (var value in new object[] { provider, repo.Owner, repo.Name, number, StatusExtensions.Open.Select(StoreJson.EnumText).ToArray() })
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    /// <summary>
    /// Loads a run and its project runs in one round trip; with <paramref name="forUpdate"/> the run row stays locked
    /// until the transaction ends (the lock is taken by the first statement, before the projects are read). The lock is
    /// <c>FOR NO KEY UPDATE</c>: it serializes the decisions about one run exactly like <c>FOR UPDATE</c>, but does not
    /// block the foreign-key checks of rows other transactions add for the run meanwhile (a runner reporting a job
    /// result, intake queueing a command), which take <c>KEY SHARE</c> on it. TerraFlow never changes a run's id.
    /// </summary>
    /// <param name="lockKeys">When set, also take a transaction-scoped advisory lock per project lock key (after the run
    /// row lock, in key order, so two transactions never wait on each other in a cycle) and read those keys' holders
    /// into <see cref="StoredRun.Locks"/>. The keys are <paramref name="lockKeys"/> plus the keys of the run's projects
    /// plus every key the pull request holds. Every decision that may take, queue for or release a lock loads the run
    /// this way, so decisions about one lock never race, while different locks (other projects of a monorepo) proceed
    /// in parallel.</param>
    /// <param name="previousPlans">Also read <see cref="StoredRun.PreviousPlans"/> (<see cref="PreviousPlanRepository"/>),
    /// after the locks.</param>
    public static async Task<StoredRun?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, bool forUpdate, CancellationToken ct,
        IReadOnlyCollection<string>? lockKeys = null, bool previousPlans = false,
        IReadOnlyList<NpgsqlBatchCommand>? before = null, Func<NpgsqlDataReader, CancellationToken, Task>? readBefore = null)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        // Statements of the caller sent first in the same round trip; readBefore reads the first one's rows.
        foreach (var command in before ?? []) batch.BatchCommands.Add(command);
        var run = new NpgsqlBatchCommand("""
            select provider, repo_owner, repo_name, installation_id, pr_number, head_sha, base_sha, clone_url, status,
                   requested_project, explicit, config_error::text, failure_message, superseded_by_sha, comment_ids, operation_id, merged,
                   rule_notice, untrusted, planned_at, trigger_kind
            from runs where id = $1
            """ + (forUpdate ? " for no key update" : ""));
        run.Parameters.Add(new NpgsqlParameter { Value = runId });
        var projects = new NpgsqlBatchCommand($"select {ProjectRunColumns} from project_runs where run_id = $1 order by position");
        projects.Parameters.Add(new NpgsqlParameter { Value = runId });
        batch.BatchCommands.Add(run);
        batch.BatchCommands.Add(projects);
        if (lockKeys is not null)
        {
            // The keys of the run's projects come from their stored definitions: dir + "::" + workspace (LockKey.For).
            const string keys = """
                with r as (select provider, repo_owner, repo_name, pr_number from runs where id = $1),
                k as (
                    select unnest($2::text[]) as lock_key
                    union select (p.definition->>'dir') || '::' || (p.definition->>'workspace') from project_runs p where p.run_id = $1
                    union select l.lock_key from project_locks l join r using (provider, repo_owner, repo_name) where l.pr_number = r.pr_number
                )
                """;
            // The sort happens below the projection, so the locks are taken in key order.
            var mutexes = new NpgsqlBatchCommand(keys + """
                select pg_advisory_xact_lock(hashtextextended('terraflow:lock:' || r.provider || '/' || r.repo_owner || '/' || r.repo_name || ':' || o.lock_key, 0))
                from (select lock_key from k order by lock_key) o, r
                """);
            var holders = new NpgsqlBatchCommand(keys + """
                select l.lock_key, l.pr_number from project_locks l join r using (provider, repo_owner, repo_name)
                where l.lock_key in (select lock_key from k)
                """);
            foreach (var command in new[] { mutexes, holders })
            {
                command.Parameters.Add(new NpgsqlParameter { Value = runId });
                command.Parameters.Add(new NpgsqlParameter { Value = lockKeys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(command);
            }
        }
        if (previousPlans) batch.BatchCommands.Add(PreviousPlanRepository.ForRunCommand(runId));

        await using var r = await batch.ExecuteReaderAsync(ct);
        if (readBefore is not null)
        {
            await readBefore(r, ct);
            await r.NextResultAsync(ct);
        }
        if (!await r.ReadAsync(ct)) return null;
        var repo = new RepoRef(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3));
        var context = new RunContext(runId, r.GetString(0), repo, r.IsDBNull(4) ? 0 : r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(15))
            { Untrusted = r.GetBoolean(18), Trigger = StoreJson.ParseEnum<RunTrigger>(r.GetString(20)) };
        var state = new RunState(
            runId,
            context.HeadSha,
            StoreJson.ParseEnum<RunStatus>(r.GetString(8)),
            r.IsDBNull(9) ? null : r.GetString(9),
            r.GetBoolean(10),
            r.IsDBNull(11) ? null : StoreJson.Deserialize<ConfigError>(r.GetString(11)),
            r.IsDBNull(12) ? null : r.GetString(12),
            r.IsDBNull(13) ? null : r.GetString(13),
            []) { Merged = r.GetBoolean(16), RuleNotice = r.IsDBNull(17) ? null : r.GetString(17), Untrusted = r.GetBoolean(18), PlannedAt = r.IsDBNull(19) ? null : r.GetFieldValue<DateTimeOffset>(19) };
        var commentIds = r.GetFieldValue<long[]>(14);

        await r.NextResultAsync(ct);
        var list = new List<ProjectRunState>();
        while (await r.ReadAsync(ct)) list.Add(ReadProjectRun(r));
        var lockView = LockView.Empty;
        if (lockKeys is not null)
        {
            await r.NextResultAsync(ct); // the advisory locks
            await r.NextResultAsync(ct);
            var holders = new Dictionary<string, int>(StringComparer.Ordinal);
            while (await r.ReadAsync(ct)) holders[r.GetString(0)] = r.GetInt32(1);
            lockView = new LockView(context.PullRequestNumber, holders);
        }
        var stored = new StoredRun(context, state with { Projects = list }, commentIds) { Locks = lockView };
        if (!previousPlans) return stored;
        await r.NextResultAsync(ct);
        return stored with { PreviousPlans = await PreviousPlanRepository.ReadAsync(r, ct) };
    }

    /// <summary>The columns <see cref="ReadProjectRun"/> reads, in its order (from <c>project_runs</c>).</summary>
    internal const string ProjectRunColumns = "definition::text, status, plan_summary::text, plan_sha256, artifacts::text, error, lifecycle::text";

    /// <summary>A project run from a row whose first columns are <see cref="ProjectRunColumns"/>.</summary>
    internal static ProjectRunState ReadProjectRun(NpgsqlDataReader r)
    {
        var project = new ProjectRunState(
            StoreJson.Deserialize<ProjectDefinition>(r.GetString(0)),
            StoreJson.ParseEnum<ProjectRunStatus>(r.GetString(1)),
            r.IsDBNull(2) ? null : StoreJson.Deserialize<PlanSummary>(r.GetString(2)),
            r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : StoreJson.Deserialize<PlanArtifactsRef>(r.GetString(4)),
            r.IsDBNull(5) ? null : r.GetString(5));
        return ProjectLifecycle.Into(project, r.IsDBNull(6) ? null : r.GetString(6));
    }

    /// <summary>Adds the run's new state and every project run that differs from <paramref name="before"/> to a batch.</summary>
    public static void AddSaveState(SqlBatch batch, RunState before, RunState after)
    {
        batch.Add("""
            update runs set status = $2, config_error = $3::jsonb, failure_message = $4, superseded_by_sha = $5, merged = $6,
                rule_notice = $7, updated_at = now(),
                planned_at = coalesce(planned_at, case when $2 = 'planned' then now() end)
            where id = $1
            """,
            after.RunId, StoreJson.EnumText(after.Status),
            SqlBatch.Text(after.ConfigError is null ? null : StoreJson.Serialize(after.ConfigError)),
            SqlBatch.Text(after.FailureMessage), SqlBatch.Text(after.SupersededBySha), after.Merged, SqlBatch.Text(after.RuleNotice));

        // A merge may have changed the default branch's drift configuration: read it at the next drift pass (same batch).
        if (after.Merged && !before.Merged)
            batch.Add("update drift_repositories set config_due_at = now() where repository_id = (select repository_id from runs where id = $1)", after.RunId);

        // Projects new to the run (a discovery) become, or refresh, the repository's known projects.
        CatalogRepository.AddProjectsSeen(batch, after.RunId,
            after.Projects.Where(p => before.FindProject(p.Definition.Name) is null).Select(p => p.Definition).ToArray());

        for (var i = 0; i < after.Projects.Count; i++)
        {
            var p = after.Projects[i];
            // The decider returns the same instance for a project it did not touch.
            if (ReferenceEquals(before.FindProject(p.Definition.Name), p)) continue;
            batch.Add("""
                insert into project_runs (run_id, name, position, definition, status, plan_summary, plan_sha256, artifacts, error, lifecycle)
                values ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7, $8::jsonb, $9, $10::jsonb)
                on conflict (run_id, name) do update set
                    status = excluded.status, plan_summary = excluded.plan_summary, plan_sha256 = excluded.plan_sha256,
                    artifacts = excluded.artifacts, error = excluded.error, lifecycle = excluded.lifecycle, updated_at = now()
                """,
                after.RunId, p.Definition.Name, i, StoreJson.Serialize(p.Definition), StoreJson.EnumText(p.Status),
                SqlBatch.Text(p.Plan is null ? null : StoreJson.Serialize(p.Plan)), SqlBatch.Text(p.PlanFileSha256),
                SqlBatch.Text(p.Artifacts is null ? null : StoreJson.Serialize(p.Artifacts)), SqlBatch.Text(p.Error),
                SqlBatch.Text(ProjectLifecycle.From(p)));
        }
    }

    public static async Task SaveCommentIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, IReadOnlyList<long> ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("update runs set comment_ids = $2 where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(ids.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static NpgsqlParameter Text(string? value) => SqlBatch.Text(value);
}
