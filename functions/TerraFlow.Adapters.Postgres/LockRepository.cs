using NpgsqlTypes;
using Npgsql;
using TerraFlow.Core.Locks;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// Project locks and their FIFO queues. Callers hold the advisory locks of the keys involved (see
/// <see cref="RunRepository.LoadAsync"/> with locks), so the decider's view of the holders is still true here.
/// </summary>
public static class LockRepository
{
    /// <summary>Takes the lock (a no-op when this pull request holds it) and leaves the lock's queue.</summary>
    public static void AddAcquire(SqlBatch batch, RunContext run, ProjectDefinition project)
    {
        var key = LockKey.For(project);
        batch.Add("""
            insert into project_locks (provider, repo_owner, repo_name, lock_key, pr_number, installation_id)
            values ($1, $2, $3, $4, $5, $6) on conflict do nothing
            """, run.Provider, run.Repo.Owner, run.Repo.Name, key, run.PullRequestNumber, SqlBatch.Bigint(run.Repo.InstallationId));
        batch.Add("delete from lock_queue where provider = $1 and repo_owner = $2 and repo_name = $3 and lock_key = $4 and pr_number = $5",
            run.Provider, run.Repo.Owner, run.Repo.Name, key, run.PullRequestNumber);
    }

    /// <summary>Joins the lock's queue; a pull request already in it keeps its place.</summary>
    public static void AddQueue(SqlBatch batch, RunContext run, ProjectDefinition project) =>
        batch.Add("""
            insert into lock_queue (provider, repo_owner, repo_name, lock_key, pr_number, installation_id)
            values ($1, $2, $3, $4, $5, $6) on conflict do nothing
            """, run.Provider, run.Repo.Owner, run.Repo.Name, LockKey.For(project), run.PullRequestNumber, SqlBatch.Bigint(run.Repo.InstallationId));

    /// <summary>
    /// Releases the pull request's locks (all, or <paramref name="keys"/>), optionally leaves its queues, and hands each
    /// freed lock to the first pull request in its queue, which gets a re-plan in the workflow inbox. One statement.
    /// </summary>
    public static void AddRelease(SqlBatch batch, RunContext run, IReadOnlyList<string>? keys, bool leaveQueues)
    {
        batch.Add($"""
            with released as (
                delete from project_locks
                where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 and ($5::text[] is null or lock_key = any($5))
                returning lock_key
            ), left_queues as (
                delete from lock_queue
                where $6 and provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 and ($5::text[] is null or lock_key = any($5))
            ), heads as (
                select distinct on (q.lock_key) q.id, q.lock_key, q.pr_number, q.installation_id
                from lock_queue q join released r on r.lock_key = q.lock_key
                where q.provider = $1 and q.repo_owner = $2 and q.repo_name = $3 and q.pr_number <> $4
                order by q.lock_key, q.id
            ), granted as (
                insert into project_locks (provider, repo_owner, repo_name, lock_key, pr_number, installation_id)
                select $1, $2, $3, lock_key, pr_number, installation_id from heads
            ), dequeued as (
                delete from lock_queue where id in (select id from heads)
            )
            insert into workflow_inbox (run_id, kind, payload)
            select distinct on (pr_number) null, '{InboxKinds.Replan}',
                   jsonb_build_object('provider', $1::text, 'owner', $2::text, 'repo', $3::text, 'installationId', installation_id,
                                      'number', pr_number, 'author', 'terraflow', 'deliveryId', 'lock-released:' || $7::text || ':' || pr_number)
            from heads order by pr_number
            """,
            run.Provider, run.Repo.Owner, run.Repo.Name, run.PullRequestNumber,
            new NpgsqlParameter { Value = (object?)keys?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            leaveQueues, run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        batch.Notify("terraflow_inbox");
    }

    /// <summary>Lock holders and queues of a repository, for the runs API and tests.</summary>
    public static async Task<IReadOnlyList<(string Key, int PullRequest)>> HoldersAsync(NpgsqlDataSource db, string provider, string owner, string repo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select lock_key, pr_number from project_locks where provider = $1 and repo_owner = $2 and repo_name = $3 order by lock_key");
        cmd.Parameters.AddWithValue(provider);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(repo);
        var list = new List<(string, int)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetInt32(1)));
        return list;
    }
}
