using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Access;
using TerraFlow.Application.Drift;
using TerraFlow.Application.Health;
using TerraFlow.Application.Queries;
using TerraFlow.Application.Workflow;
using TerraFlow.Core.Artifacts;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The console's pages through <see cref="ConsolePages"/>, at <c>/api/console/...</c> (the Functions host's route
/// prefix). Anonymous at the host; each function evaluates the console policy itself (see <see cref="ApiFunctions"/>).
/// </summary>
public sealed class ConsoleFunctions
{
    [Function("ConsoleHome")]
    public Task<IActionResult> HomeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest req) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => Task.FromResult(Results.Redirect(ConsoleRequest.Root(req.HttpContext) + "/runs")));

    [Function("ConsoleRuns")]
    public Task<IActionResult> RunsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/runs")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => ConsolePages.RunsAsync(req.HttpContext, Get<ConsoleReader>(req), ct));

    [Function("ConsoleRun")]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/runs/{id:long}")] HttpRequest req, long id, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => ConsolePages.RunAsync(id, req.HttpContext, Get<ConsoleReader>(req), Get<VcsWebLinks>(req), ct));

    [Function("ConsoleLocks")]
    public Task<IActionResult> LocksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/locks")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => ConsolePages.LocksAsync(req.HttpContext, Get<ConsoleReader>(req), ct));

    [Function("ConsoleLockRelease")]
    public Task<IActionResult> ReleaseAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/locks/release")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () => HttpMethods.IsPost(req.Method)
            ? ConsolePages.ReleaseAsync(req.HttpContext, Get<IRepositoryAccess>(req), Get<ConsoleLockRelease>(req), ct)
            : ConsolePages.ConfirmReleaseAsync(req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), ct));

    [Function("ConsoleHealth")]
    public Task<IActionResult> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/health")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => ConsolePages.HealthAsync(req.HttpContext, Get<IDatabaseHealth>(req), Get<IArtifactStore>(req), ct));

    [Function("ConsoleDrift")]
    public Task<IActionResult> DriftAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/drift")] HttpRequest req, CancellationToken ct) =>
        HttpMethods.IsPost(req.Method)
            ? ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () => ConsoleDriftPage.CheckNowAsync(req.HttpContext, Get<DriftReader>(req), ct))
            : ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => ConsoleDriftPage.PageAsync(req.HttpContext, Get<DriftReader>(req), ct));

    private static T Get<T>(HttpRequest req) where T : notnull => req.HttpContext.RequestServices.GetRequiredService<T>();
}
