using TerraFlow.Application.Queries;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Api;

/// <summary><c>GET /api/locks</c>: every held project lock of a repository the caller may read, with the pull requests waiting behind it.</summary>
internal static class LocksEndpoint
{
    public static IEndpointRouteBuilder MapLocks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/locks", ListAsync).RequireAuthorization(ConsolePolicies.SignedIn);
        return app;
    }

    internal static async Task<IResult> ListAsync(HttpContext ctx, ConsoleReader reader, CancellationToken ct) =>
        ConsoleRequest.User(ctx) is not { } user ? RunsEndpoint.Unauthorized() : Results.Json(await reader.LocksAsync(user, ct));
}
