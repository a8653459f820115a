using Npgsql;
using TerraFlow.Core.Vcs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>
/// A maintainer's <c>terraflow plan</c> on a pull request TerraFlow does not trust (fork, or author without write
/// access) authorizes exactly one head commit: who, when, which delivery. A new push is a new commit and needs a new one.
/// </summary>
public static class PlanAuthorizations
{
    public static async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, string headSha, string by, string deliveryId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into plan_authorizations (provider, repo_owner, repo_name, pr_number, head_sha, authorized_by, delivery_id)
            values ($1, $2, $3, $4, $5, $6, $7)
            on conflict do nothing
            """, conn, tx);
        foreach (var value in new object[] { provider, repo.Owner, repo.Name, number, headSha.ToLowerInvariant(), by, deliveryId })
            cmd.Parameters.AddWithValue(value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Who authorized exactly this head commit, or null.</summary>
    public static async Task<string?> FindAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, string headSha, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select authorized_by from plan_authorizations
            where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 and head_sha = $5
            """, conn, tx);
        foreach (var value in new object[] { provider, repo.Owner, repo.Name, number, headSha.ToLowerInvariant() })
            cmd.Parameters.AddWithValue(value);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// The head commit of the pull request's newest run created before the end of the second <paramref name="at"/> names
    /// (hosts give comment times in whole seconds), or null when there was none: what the pull request was when a
    /// comment written at <paramref name="at"/> was written.
    /// </summary>
    public static async Task<string?> HeadAtAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string provider, RepoRef repo, int number, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select head_sha from runs
            where provider = $1 and repo_owner = $2 and repo_name = $3 and pr_number = $4 and created_at < $5
            order by id desc limit 1
            """, conn, tx);
        foreach (var value in new object[] { provider, repo.Owner, repo.Name, number, at.UtcDateTime.AddSeconds(1) })
            cmd.Parameters.AddWithValue(value);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
