using Microsoft.AspNetCore.Authorization;
using TerraFlow.Application.Drift;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Drift;

/// <summary>
/// <c>POST /api/projects/{id}/drift</c> starts a drift check of one project now (202 with the run's id and link);
/// <c>GET /api/drift</c> lists every project's last check (drifted / clean / failed / never, times, run links, the
/// effective schedule, configuration errors). Once console sign-in registers its authorization services the routes
/// require <see cref="ConsolePolicies.Operate"/> and <see cref="ConsolePolicies.SignedIn"/>; until then they are as
/// open as <c>/api/runs/{id}</c> (the Functions host puts a function key in front of all of them).
/// </summary>
internal static class DriftEndpoints
{
    public static IEndpointRouteBuilder MapDrift(this IEndpointRouteBuilder app)
    {
        var start = app.MapPost("/api/projects/{id:long}/drift", StartAsync);
        var list = app.MapGet("/api/drift", ListAsync);
        if (app.ServiceProvider.GetService<IAuthorizationPolicyProvider>() is not null)
        {
            start.RequireAuthorization(ConsolePolicies.Operate);
            list.RequireAuthorization(ConsolePolicies.SignedIn);
        }
        return app;
    }

    // Called by the standalone routes above and by the isolated worker's functions (Worker/DriftFunctions).
    internal static async Task<IResult> StartAsync(long id, DriftScheduler scheduler, DriftLinks links, CancellationToken ct) =>
        await scheduler.StartNowAsync(id, ct) is { } runId
            ? Results.Json(new { runId, run = links.RunApi(runId) }, statusCode: StatusCodes.Status202Accepted)
            : Results.Json(new { error = $"project {id} not found, or its repository's clone URL is not known yet" }, statusCode: StatusCodes.Status404NotFound);

    internal static async Task<IResult> ListAsync(IDriftQueries drift, CancellationToken ct) => Results.Json(await drift.OverviewAsync(ct));
}
