using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Queries;
using TerraFlow.Functions.Api;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The runs and locks API through <see cref="RunsEndpoint"/> and <see cref="LocksEndpoint"/>. Anonymous at the
/// Functions host (a function key names no user): each function evaluates the console policy itself
/// (<see cref="ConsoleAuthentication.AuthenticateAsync"/>, the same schemes and answers as the standalone routes' policies) and
/// the handlers filter by the user's repository access.
/// </summary>
public sealed class ApiFunctions
{
    [Function("Runs")]
    public Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs")] HttpRequest req, CancellationToken ct) =>
        SignedInAsync(req, () => RunsEndpoint.ListAsync(req.HttpContext, Reader(req), ct));

    [Function("Run")]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id:long}")] HttpRequest req, long id, CancellationToken ct) =>
        SignedInAsync(req, () => RunsEndpoint.RunAsync(id, req.HttpContext, Reader(req), ct));

    [Function("RunEvents")]
    public Task<IActionResult> EventsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id:long}/events")] HttpRequest req, long id, CancellationToken ct) =>
        SignedInAsync(req, () => RunsEndpoint.EventsAsync(id, req.HttpContext, Reader(req), ct));

    [Function("RunProjectPlan")]
    public Task<IActionResult> PlanAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id:long}/projects/{name}/plan")] HttpRequest req, long id, string name, CancellationToken ct) =>
        SignedInAsync(req, () => RunsEndpoint.PlanAsync(id, name, req.HttpContext, Reader(req), ct));

    [Function("RunProjectApply")]
    public Task<IActionResult> ApplyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id:long}/projects/{name}/apply")] HttpRequest req, long id, string name, CancellationToken ct) =>
        SignedInAsync(req, () => RunsEndpoint.ApplyAsync(id, name, req.HttpContext, Reader(req), ct));

    [Function("Locks")]
    public Task<IActionResult> LocksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "locks")] HttpRequest req, CancellationToken ct) =>
        SignedInAsync(req, () => LocksEndpoint.ListAsync(req.HttpContext, Reader(req), ct));

    private static ConsoleReader Reader(HttpRequest req) => req.HttpContext.RequestServices.GetRequiredService<ConsoleReader>();

    internal static async Task<IActionResult> AuthorizedAsync(HttpRequest req, string policy, Func<Task<IResult>> handler) =>
        new HttpResultAction(await ConsoleAuthentication.AuthenticateAsync(req.HttpContext, policy) ?? await handler());

    private static Task<IActionResult> SignedInAsync(HttpRequest req, Func<Task<IResult>> handler) => AuthorizedAsync(req, ConsolePolicies.SignedIn, handler);
}
