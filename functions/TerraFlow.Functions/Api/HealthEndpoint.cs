using Npgsql;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Functions.Api;

/// <summary>
/// <c>GET /api/health</c> (readiness): 200 when the database (which also holds the default job queue) and the artifact
/// store answer, 503 with the failing part and its reason otherwise. <c>GET /api/health/live</c> (liveness): 200
/// while the process serves requests, without touching dependencies.
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health/live", () => Results.Json(new { status = "alive" }));
        app.MapGet("/api/health", async (NpgsqlDataSource db, IArtifactStore artifacts, CancellationToken ct) =>
        {
            var database = await ProbeDatabaseAsync(db, ct);
            var store = await ProbeArtifactsAsync(artifacts, ct);
            var healthy = database.Reachable && store.Reachable;
            return Results.Json(
                new { status = healthy ? "healthy" : "unhealthy", database, artifacts = store },
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static async Task<DatabaseProbe> ProbeDatabaseAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            await using var cmd = db.CreateCommand("select count(*) from schema_migrations");
            return new DatabaseProbe(true, (long)(await cmd.ExecuteScalarAsync(timeout.Token))!, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new DatabaseProbe(false, null, ex.Message);
        }
    }

    private static async Task<StoreProbe> ProbeArtifactsAsync(IArtifactStore artifacts, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            // A metadata read of a key that need not exist: proves reachability and permissions, writes nothing.
            await artifacts.GetInfoAsync("health/probe", timeout.Token);
            return new StoreProbe(true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new StoreProbe(false, ex.Message);
        }
    }

    private sealed record DatabaseProbe(bool Reachable, long? Migrations, string? Error);

    private sealed record StoreProbe(bool Reachable, string? Error);
}
