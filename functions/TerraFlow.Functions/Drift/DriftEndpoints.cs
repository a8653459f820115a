using TerraFlow.Application.Drift;
using TerraFlow.Functions.Api;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Drift;

/// <summary>
/// <c>POST /api/projects/{id}/drift</c> starts a drift check of one project now (202 with the run's id and link);
/// <c>GET /api/drift</c> lists every project's last check (drifted / clean / failed / never, times, run links, the
/// effective schedule, configuration errors). Both need a signed-in user or API token: the list
/// (<see cref="ConsolePolicies.SignedIn"/>) shows only repositories the caller can read; starting a check
/// (<see cref="ConsolePolicies.Operate"/>, anti-forgery token for browser sessions) needs operate access to the
/// project's repository: 403 without it, 404 when the project does not exist or the caller cannot read it.
/// </summary>
internal static class DriftEndpoints
{
    public static IEndpointRouteBuilder MapDrift(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{id:long}/drift", StartAsync).RequireAuthorization(ConsolePolicies.Operate).RequireConsoleAntiForgery();
        app.MapGet("/api/drift", ListAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        return app;
    }

    // Called by the standalone routes above and by the isolated worker's functions (Worker/DriftFunctions).
    internal static async Task<IResult> StartAsync(long id, HttpContext ctx, DriftReader drift, DriftLinks links, CancellationToken ct)
    {
        if (ConsoleRequest.User(ctx) is not { } user) return RunsEndpoint.Unauthorized();
        var start = await drift.StartAsync(user, id, ct);
        return start.Outcome switch
        {
            DriftStartOutcome.Started when start.RunId is { } runId =>
                Results.Json(new { runId, run = links.RunApi(runId) }, statusCode: StatusCodes.Status202Accepted),
            DriftStartOutcome.Forbidden => Results.Json(new { error = $"starting a drift check of project {id} needs operate access to its repository" },
                statusCode: StatusCodes.Status403Forbidden),
            _ => Results.Json(new { error = $"project {id} not found, or its repository's clone URL is not known yet" }, statusCode: StatusCodes.Status404NotFound),
        };
    }

    internal static async Task<IResult> ListAsync(HttpContext ctx, DriftReader drift, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? RunsEndpoint.Unauthorized() : Results.Json((await drift.OverviewAsync(user, ct)).ToOverview());
}
