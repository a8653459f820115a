using Npgsql;
using TerraFlow.Application.Drift;
using TerraFlow.Application.Links;
using TerraFlow.Core.Plans;

namespace TerraFlow.Adapters.Postgres.Drift;

/// <summary><see cref="IDriftQueries"/> over the drift tables; lock-free reads.</summary>
public sealed class PostgresDriftQueries(NpgsqlDataSource dataSource, DriftLinks links) : IDriftQueries
{
    public async Task<DriftOverview> OverviewAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var projects = new List<DriftProjectView>();
        await using (var cmd = new NpgsqlCommand(ProjectsSql + " order by r.provider, r.owner, r.name, p.name", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) projects.Add(Project(reader));
        }
        var repositories = new List<DriftRepositoryView>();
        await using (var cmd = new NpgsqlCommand("""
            select r.id, r.provider, r.owner || '/' || r.name, d.config_checked_at, d.config_commit, d.config_error, d.config_due_at
            from repositories r left join drift_repositories d on d.repository_id = r.id
            order by r.provider, r.owner, r.name
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                repositories.Add(new DriftRepositoryView(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Time(reader, 3),
                    Text(reader, 4), Text(reader, 5), Time(reader, 6)));
        }
        return new DriftOverview(projects, repositories);
    }

    public async Task<DriftProjectView?> ProjectAsync(long projectId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(ProjectsSql + " where p.id = $1", conn);
        cmd.Parameters.AddWithValue(projectId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Project(reader) : null;
    }

    private const string ProjectsSql = """
        select p.id, r.provider, r.owner || '/' || r.name, p.name, p.dir, p.workspace, coalesce(st.state, 'never'),
               s.schedule, s.time_zone, coalesce(s.window_seconds, 900), coalesce(s.remediation, 'none'), s.due_at,
               st.last_checked_at, st.first_detected_at, st.last_run_id, st.commit_sha, st.failure, st.lock_holder, st.counts::text,
               (select max(c.run_id) from drift_checks c where c.project_id = p.id and c.finished_at is null), d.config_error
        from projects p
        join repositories r on r.id = p.repository_id
        left join drift_schedules s on s.project_id = p.id
        left join drift_states st on st.project_id = p.id
        left join drift_repositories d on d.repository_id = r.id
        """;

    private DriftProjectView Project(NpgsqlDataReader reader)
    {
        long? lastRun = reader.IsDBNull(14) ? null : reader.GetInt64(14);
        return new DriftProjectView(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), Text(reader, 7), Text(reader, 8), reader.GetInt32(9), reader.GetString(10), Time(reader, 11),
            Time(reader, 12), Time(reader, 13), lastRun, lastRun is { } id ? links.Run(id) ?? RunLinks.PagePath(id) : null, Text(reader, 15),
            Text(reader, 16), Text(reader, 17), Text(reader, 18) is { } counts ? StoreJson.Deserialize<PlanCounts>(counts) : null,
            reader.IsDBNull(19) ? null : reader.GetInt64(19), Text(reader, 20));
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
