using Npgsql;
using TerraFlow.Application.Queries;

namespace TerraFlow.Adapters.Postgres.Queries;

/// <summary>The console's reads (runs list, locks and queues, runner backlog): committed state, no locks.</summary>
internal sealed class PostgresConsoleQueries(NpgsqlDataSource dataSource) : IConsoleQueries
{
    public async Task<IReadOnlyList<KnownRepository>> RepositoriesAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select id, provider, owner, name from repositories order by provider, owner, name");
        var repos = new List<KnownRepository>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) repos.Add(new KnownRepository(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return repos;
    }

    public async Task<RunListPage> ListRunsAsync(RunListFilter filter, IReadOnlyCollection<long> repositoryIds, CancellationToken ct)
    {
        if (repositoryIds.Count == 0) return new RunListPage([], null);
        var limit = Math.Clamp(filter.Limit, 1, RunListFilter.MaxLimit);
        // runs_by_repository (repository_id, id desc) serves "newest first within these repositories"; one more row than
        // the page tells whether there is a next one.
        await using var cmd = dataSource.CreateCommand("""
            select r.id, r.provider, r.repo_owner || '/' || r.repo_name, r.pr_number, r.trigger_kind, r.status, r.head_sha, r.created_at, r.updated_at,
                   (select count(*)::int from project_runs p where p.run_id = r.id),
                   (select count(*)::int from project_runs p where p.run_id = r.id and p.status in ('failed', 'apply_failed', 'apply_interrupted', 'apply_blocked'))
            from runs r
            where r.repository_id = any($1)
              and ($2::int is null or r.pr_number = $2)
              and ($3::text is null or r.trigger_kind = $3)
              and ($4::text is null or r.status = $4)
              and ($5::bigint is null or r.id < $5)
            order by r.id desc
            limit $6
            """);
        cmd.Parameters.AddWithValue(repositoryIds.ToArray());
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = filter.PullRequest, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Trigger, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = filter.Before, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(limit + 1);
        var runs = new List<RunSummary>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                runs.Add(new RunSummary(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetString(4), r.GetString(5), r.GetString(6),
                    r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9), r.GetInt32(10)));
        }
        if (runs.Count <= limit) return new RunListPage(runs, null);
        runs.RemoveAt(limit);
        return new RunListPage(runs, runs[^1].Id);
    }

    public async Task<IReadOnlyList<HeldLock>> LocksAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select l.provider, l.repo_owner, l.repo_name, l.lock_key, l.pr_number, l.acquired_at,
                   coalesce((select array_agg(q.pr_number order by q.id) from lock_queue q
                             where q.provider = l.provider and q.repo_owner = l.repo_owner and q.repo_name = l.repo_name and q.lock_key = l.lock_key), '{}'),
                   coalesce((select array_agg(q.enqueued_at order by q.id) from lock_queue q
                             where q.provider = l.provider and q.repo_owner = l.repo_owner and q.repo_name = l.repo_name and q.lock_key = l.lock_key), '{}')
            from project_locks l
            order by l.provider, l.repo_owner, l.repo_name, l.lock_key
            """);
        var locks = new List<HeldLock>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (dir, workspace) = SplitLockKey(r.GetString(3));
            var prs = r.GetFieldValue<int[]>(6);
            var since = r.GetFieldValue<DateTimeOffset[]>(7);
            locks.Add(new HeldLock(r.GetString(0), $"{r.GetString(1)}/{r.GetString(2)}", dir, workspace, r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(5),
                prs.Select((pr, i) => new LockWaiter(pr, since[i])).ToList()));
        }
        return locks;
    }

    public async Task<RunnerBacklog> BacklogAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select count(*) filter (where status = 'queued')::int,
                   count(*) filter (where status = 'leased')::int,
                   min(available_at) filter (where status = 'queued'),
                   extract(epoch from now() - min(available_at) filter (where status = 'queued'))::float8
            from jobs where status in ('queued', 'leased')
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new RunnerBacklog(r.GetInt32(0), r.GetInt32(1),
            r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : Math.Max(0, r.GetDouble(3)));
    }

    /// <summary><c>dir::workspace</c> (Core's LockKey); a dir never holds "::", so the last one splits.</summary>
    private static (string Dir, string Workspace) SplitLockKey(string key)
    {
        var at = key.LastIndexOf("::", StringComparison.Ordinal);
        return at < 0 ? (key, "default") : (key[..at], key[(at + 2)..]);
    }
}
