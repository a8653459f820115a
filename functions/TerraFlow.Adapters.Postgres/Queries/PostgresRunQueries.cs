using Npgsql;
using TerraFlow.Application.Queries;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Adapters.Postgres.Queries;

/// <summary>The runs API's reads: committed state, no locks, one connection per question.</summary>
internal sealed class PostgresRunQueries(NpgsqlDataSource dataSource) : IRunQueries
{
    public async Task<RunDetails?> FindRunAsync(long runId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var run = await RunRepository.LoadAsync(conn, null, runId, forUpdate: false, ct);
        return run is null ? null : Details(runId, run);
    }

    public async Task<IReadOnlyList<RunAuditEvent>> AuditEventsAsync(long runId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select id, at, actor, action, detail, delivery_id from audit_events where run_id = $1 order by id");
        cmd.Parameters.AddWithValue(runId);
        var events = new List<RunAuditEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            events.Add(new RunAuditEvent(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        return events;
    }

    private static RunDetails Details(long runId, StoredRun run)
    {
        var c = run.Context;
        var s = run.State;
        return new RunDetails(runId, c.Provider, c.Repo.FullName, c.PullRequestNumber, c.HeadSha, c.BaseSha, StoreJson.EnumText(s.Status),
            s.RequestedProject, s.SupersededBySha, s.ConfigError?.ToString(), s.FailureMessage, s.Merged,
            s.Projects.Select(p => new ProjectDetails(
                p.Definition.Name, p.Definition.Dir, p.Definition.Workspace, StoreJson.EnumText(p.Status), p.Plan?.Counts, p.PlanFileSha256, p.Error,
                p.Policy is null ? null : new PolicyDetails(p.Policy.Denied, p.Policy.Error,
                    p.Policy.Violations.Select(v => new PolicyResultDetails(v.Rule, v.Source, StoreJson.EnumText(v.Severity), v.Message, v.Resources)).ToList(),
                    p.PolicyOverride?.User),
                p.Approvals.Select(a => new ApprovalDetails(a.User, StoreJson.EnumText(a.Source), a.At)).ToList(),
                p.Apply is null ? null : new ApplyDetails(p.Apply.RequestedBy, p.Apply.PlanSha256, p.Apply.Error),
                p.WaitingBehind)).ToList());
    }
}
