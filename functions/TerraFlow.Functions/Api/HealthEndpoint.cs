using Npgsql;

namespace TerraFlow.Functions.Api;

/// <summary><c>GET /api/health</c>: 200 when the database answers, 503 (with the reason) when it does not.</summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (NpgsqlDataSource db, CancellationToken ct) =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await using var cmd = db.CreateCommand("select count(*) from schema_migrations");
                var migrations = (long)(await cmd.ExecuteScalarAsync(timeout.Token))!;
                return Results.Json(new { status = "healthy", database = new { reachable = true, migrations } });
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                return Results.Json(new { status = "unhealthy", database = new { reachable = false, error = ex.Message } }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
