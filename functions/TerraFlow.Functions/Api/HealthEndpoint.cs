using TerraFlow.Adapters.Azure.ServiceBus;
using TerraFlow.Application.Health;
using TerraFlow.Application.Queries;
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
        var report = await ProbeAsync(db, artifacts, services, ct);
        return Results.Json(
            new { status = report.Healthy ? "healthy" : "unhealthy", database = report.Database, queue = report.Queue, artifacts = report.Artifacts, runners = report.Runners },
            statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Everything the readiness answer and the console's health page show.</summary>
    internal static async Task<HealthReport> ProbeAsync(IDatabaseHealth db, IArtifactStore artifacts, IServiceProvider services, CancellationToken ct)
    {
        var database = await db.ProbeAsync(ProbeTimeout, ct);
        var store = await ProbeArtifactsAsync(artifacts, ct);
        var queue = await ProbeQueueAsync(services, database, ct);
        var runners = database.Reachable ? await ProbeBacklogAsync(services, ct) : new BacklogProbe(null, "the database is not reachable");
        return new HealthReport(database.Reachable && store.Reachable && queue.Reachable, database, queue, store, runners);
    }

    /// <summary>Jobs waiting for a runner and the oldest one's wait: informative, never makes the host unhealthy.</summary>
    private static async Task<BacklogProbe> ProbeBacklogAsync(IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<IConsoleQueries>() is not { } queries) return new BacklogProbe(null, "not available");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            var b = await queries.BacklogAsync(timeout.Token);
            return new BacklogProbe(b, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new BacklogProbe(null, ex.Message);
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

    internal sealed record QueueProbe(string Transport, bool Reachable, string? Error);

    internal sealed record StoreProbe(bool Reachable, string? Error);

    /// <summary>The job queue's backlog (queued, running, oldest queued job's age), or why it could not be read.</summary>
    internal sealed record BacklogProbe(RunnerBacklog? Backlog, string? Error);

    internal sealed record HealthReport(bool Healthy, DatabaseHealthReport Database, QueueProbe Queue, StoreProbe Artifacts, BacklogProbe Runners);
}
