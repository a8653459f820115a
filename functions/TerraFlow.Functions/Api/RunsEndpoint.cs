using TerraFlow.Application.Queries;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Api;

/// <summary>
/// The runs API, for signed-in users and API tokens (<see cref="ConsolePolicies.SignedIn"/>), every answer filtered by
/// the caller's repository access (<see cref="ConsoleReader"/>): a run the caller may not read is a 404 like a run that
/// does not exist. <c>GET /api/runs</c> (list, filters, keyset paging), <c>GET /api/runs/{id}</c> (state, projects,
/// counts), <c>/events</c> (audit trail), <c>/projects/{name}/plan</c> (the masked plan text) and
/// <c>/projects/{name}/apply</c> (the masked apply output). The JSON is the Application's read models (camelCase).
/// </summary>
internal static class RunsEndpoint
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs", ListAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        app.MapGet("/api/runs/{id:long}", RunAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        app.MapGet("/api/runs/{id:long}/events", EventsAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        app.MapGet("/api/runs/{id:long}/projects/{name}/plan", PlanAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        app.MapGet("/api/runs/{id:long}/projects/{name}/apply", ApplyAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        return app;
    }

    // Called by the standalone routes above and by the isolated worker's functions (Worker/ApiFunctions).
    internal static async Task<IResult> ListAsync(HttpContext ctx, ConsoleReader reader, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return Unauthorized();
        var (filter, error) = RunListQuery.Parse(ctx.Request.Query);
        if (filter is null) return Results.Json(new { error }, statusCode: StatusCodes.Status400BadRequest);
        return Results.Json(await reader.ListRunsAsync(user, filter, ct));
    }

    internal static async Task<IResult> RunAsync(long id, HttpContext ctx, ConsoleReader reader, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? Unauthorized()
        : await reader.RunAsync(user, id, ct) is { } run ? Results.Json(run) : NotFound(id);

    internal static async Task<IResult> EventsAsync(long id, HttpContext ctx, ConsoleReader reader, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? Unauthorized()
        : await reader.AuditEventsAsync(user, id, ct) is { Count: > 0 } events ? Results.Json(events) : NotFound(id);

    internal static async Task<IResult> PlanAsync(long id, string name, HttpContext ctx, ConsoleReader reader, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? Unauthorized()
        : await reader.PlanTextAsync(user, id, name, ct) is { } plan ? Results.Json(plan)
        : Results.Json(new { error = $"run {id} has no plan text for project {name}" }, statusCode: StatusCodes.Status404NotFound);

    internal static async Task<IResult> ApplyAsync(long id, string name, HttpContext ctx, ConsoleReader reader, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? Unauthorized()
        : await reader.ApplyOutputAsync(user, id, name, ct) is { } apply ? Results.Json(apply)
        : Results.Json(new { error = $"run {id} has no apply for project {name}" }, statusCode: StatusCodes.Status404NotFound);

    internal static IResult Unauthorized() => Results.Json(new { error = "sign in first" }, statusCode: StatusCodes.Status401Unauthorized);

    private static IResult NotFound(long id) => Results.Json(new { error = $"run {id} not found" }, statusCode: StatusCodes.Status404NotFound);
}
