using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Access;
using TerraFlow.Application.Queries;
using TerraFlow.Application.Workflow;
using TerraFlow.Functions.Console;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The console's operator actions (<see cref="ConsoleOperatorActions"/>) as functions: re-plan and cancel a queued pull
/// request, as pages under <c>/api/console/...</c> and as JSON. Anonymous at the host; each function evaluates
/// <see cref="ConsolePolicies.Operate"/> itself and the handlers check the anti-forgery token (functions have no filters).
/// </summary>
public sealed class ConsoleOperatorFunctions
{
    [Function("ConsoleRunReplan")]
    public Task<IActionResult> ReplanPageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/runs/{id:long}/replan")] HttpRequest req, long id, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () =>
            ConsoleOperatorActions.ReplanPageAsync(id, req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), Get<ConsoleReplan>(req), ct));

    [Function("ConsoleLockCancel")]
    public Task<IActionResult> CancelPageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/locks/cancel")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () => HttpMethods.IsPost(req.Method)
            ? ConsoleOperatorActions.CancelPageAsync(req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), Get<ConsoleQueueCancel>(req), ct)
            : ConsoleOperatorActions.ConfirmCancelAsync(req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), ct));

    [Function("RunReplan")]
    public Task<IActionResult> ReplanApiAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "runs/{id:long}/replan")] HttpRequest req, long id, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () =>
            ConsoleOperatorActions.ReplanApiAsync(id, req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), Get<ConsoleReplan>(req), ct));

    [Function("LockCancel")]
    public Task<IActionResult> CancelApiAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "locks/cancel")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, () =>
            ConsoleOperatorActions.CancelApiAsync(req.HttpContext, Get<ConsoleReader>(req), Get<IRepositoryAccess>(req), Get<ConsoleQueueCancel>(req), ct));

    private static T Get<T>(HttpRequest req) where T : notnull => req.HttpContext.RequestServices.GetRequiredService<T>();
}
