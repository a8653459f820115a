using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Application.Health;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Functions.Api;

/// <summary>
/// <c>GET /api/health</c> (readiness): 200 when the database, the job queue (the database itself by default; Azure
/// Service Bus when configured) and the artifact store answer, 503 with the failing part and its reason otherwise; with
/// the embedded database also 503 while its postmaster is down (a pooled connection to a dying server can still answer).
/// <c>GET /api/health/live</c> (liveness): 200 while the process serves requests, without touching dependencies, except
/// 503 when the embedded PostgreSQL this host started died and could not be restarted: only a host restart helps then.
/// </summary>
internal static class HealthEndpoint
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health/live", Live);
        app.MapGet("/api/health", ReadyAsync);
        return app;
    }

    // Called by the standalone routes above and by the isolated worker's functions (Worker/HealthFunctions).
    internal static IResult Live(IDatabaseHealth database) => database.ServerLost
        ? Results.Json(new { status = "dead", reason = "the embedded PostgreSQL died and could not be restarted" }, statusCode: StatusCodes.Status503ServiceUnavailable)
        : Results.Json(new { status = "alive" });

    internal static async Task<IResult> ReadyAsync(IDatabaseHealth db, IArtifactStore artifacts, IServiceProvider services, CancellationToken ct)
    {
        var database = await db.ProbeAsync(ProbeTimeout, ct);
        var store = await ProbeArtifactsAsync(artifacts, ct);
        var queue = await ProbeQueueAsync(services, database, ct);
        var healthy = database.Reachable && store.Reachable && queue.Reachable;
        return Results.Json(
            new { status = healthy ? "healthy" : "unhealthy", database, queue, artifacts = store },
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
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

    /// <summary>The PostgreSQL queue lives in the database; Service Bus is probed on the results queue the host receives from.</summary>
    private static async Task<QueueProbe> ProbeQueueAsync(IServiceProvider services, DatabaseHealthReport database, CancellationToken ct)
    {
        if (services.GetService<ServiceBusHealthProbe>() is not { } bus)
            return new QueueProbe("postgresql", database.Reachable, database.Reachable ? null : "the job queue is the database");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            await bus.ProbeAsync(timeout.Token);
            return new QueueProbe("servicebus", true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new QueueProbe("servicebus", false, ex.Message);
        }
    }

    private sealed record QueueProbe(string Transport, bool Reachable, string? Error);

    private sealed record StoreProbe(bool Reachable, string? Error);
}
