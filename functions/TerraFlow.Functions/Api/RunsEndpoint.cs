using TerraFlow.Application.Queries;

namespace TerraFlow.Functions.Api;

/// <summary>
/// <c>GET /api/runs/{id}</c> and <c>GET /api/runs/{id}/events</c>: a run's state and its audit trail as JSON, for
/// operators and for the link on commit statuses. Counts only: plan contents stay in the artifact store. The JSON is
/// the read models of <see cref="IRunQueries"/> as they are (camelCase).
/// </summary>
internal static class RunsEndpoint
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id:long}", RunAsync);
        app.MapGet("/api/runs/{id:long}/events", EventsAsync);
        return app;
    }

    // Called by the standalone routes above and by the isolated worker's functions (Worker/ApiFunctions).
    internal static async Task<IResult> RunAsync(long id, IRunQueries runs, CancellationToken ct) =>
        await runs.FindRunAsync(id, ct) is { } run ? Results.Json(run) : NotFound(id);

    internal static async Task<IResult> EventsAsync(long id, IRunQueries runs, CancellationToken ct) =>
        await runs.AuditEventsAsync(id, ct) is { Count: > 0 } events ? Results.Json(events) : NotFound(id);

    private static IResult NotFound(long id) => Results.Json(new { error = $"run {id} not found" }, statusCode: StatusCodes.Status404NotFound);
}
