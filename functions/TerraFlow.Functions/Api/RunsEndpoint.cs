using Npgsql;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Workflow;

namespace TerraFlow.Functions.Api;

/// <summary>
/// <c>GET /api/runs/{id}</c> and <c>GET /api/runs/{id}/events</c>: a run's state and its audit trail as JSON, for
/// operators and for the link on commit statuses. Counts only: plan contents stay in the artifact store.
/// </summary>
public static class RunsEndpoint
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id:long}", async (long id, NpgsqlDataSource db, CancellationToken ct) =>
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var run = await RunRepository.LoadAsync(conn, null, id, forUpdate: false, ct);
            if (run is null) return Results.Json(new { error = $"run {id} not found" }, statusCode: StatusCodes.Status404NotFound);
            var c = run.Context;
            var s = run.State;
            return Results.Json(new
            {
                id,
                provider = c.Provider,
                repository = c.Repo.FullName,
                pullRequest = c.PullRequestNumber,
                headSha = c.HeadSha,
                baseSha = c.BaseSha,
                status = StoreJson.EnumText(s.Status),
                requestedProject = s.RequestedProject,
                supersededBy = s.SupersededBySha,
                configError = s.ConfigError?.ToString(),
                failure = s.FailureMessage,
                merged = s.Merged,
                projects = s.Projects.Select(p => new
                {
                    name = p.Definition.Name,
                    dir = p.Definition.Dir,
                    workspace = p.Definition.Workspace,
                    status = StoreJson.EnumText(p.Status),
                    counts = p.Plan?.Counts,
                    planSha256 = p.PlanFileSha256,
                    error = p.Error,
                    policy = p.Policy is null ? null : new
                    {
                        denied = p.Policy.Denied,
                        error = p.Policy.Error,
                        results = p.Policy.Violations.Select(v => new { rule = v.Rule, source = v.Source, severity = StoreJson.EnumText(v.Severity), message = v.Message, resources = v.Resources }),
                        overriddenBy = p.PolicyOverride?.User,
                    },
                    approvals = p.Approvals.Select(a => new { user = a.User, source = StoreJson.EnumText(a.Source), at = a.At }),
                    apply = p.Apply is null ? null : new { requestedBy = p.Apply.RequestedBy, planSha256 = p.Apply.PlanSha256, error = p.Apply.Error },
                    waitingBehind = p.WaitingBehind,
                }),
            });
        });

        app.MapGet("/api/runs/{id:long}/events", async (long id, NpgsqlDataSource db, CancellationToken ct) =>
        {
            await using var cmd = db.CreateCommand("select id, at, actor, action, detail, delivery_id from audit_events where run_id = $1 order by id");
            cmd.Parameters.AddWithValue(id);
            var events = new List<object>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                events.Add(new { id = r.GetInt64(0), at = r.GetFieldValue<DateTimeOffset>(1), actor = r.GetString(2), action = r.GetString(3), detail = r.GetString(4), deliveryId = r.IsDBNull(5) ? null : r.GetString(5) });
            return events.Count == 0
                ? Results.Json(new { error = $"run {id} not found" }, statusCode: StatusCodes.Status404NotFound)
                : Results.Json(events);
        });
        return app;
    }
}
