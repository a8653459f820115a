using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Drift;
using TerraFlow.Functions.Console;
using TerraFlow.Functions.Drift;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The drift API through <see cref="DriftEndpoints"/>. Anonymous at the Functions host (a function key names no user):
/// each function evaluates the console policy itself, like <see cref="ApiFunctions"/>; starting a check also checks
/// the anti-forgery token of a browser session (the worker has no endpoint filters).
/// </summary>
public sealed class DriftFunctions
{
    [Function("DriftStart")]
    public Task<IActionResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "projects/{id:long}/drift")] HttpRequest req, long id, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.Operate, async () =>
            await ConsoleAntiForgery.CheckAsync(req.HttpContext, ct)
            ?? await DriftEndpoints.StartAsync(id, req.HttpContext, Get<DriftReader>(req), Get<DriftLinks>(req), ct));

    [Function("DriftList")]
    public Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drift")] HttpRequest req, CancellationToken ct) =>
        ApiFunctions.AuthorizedAsync(req, ConsolePolicies.SignedIn, () => DriftEndpoints.ListAsync(req.HttpContext, Get<DriftReader>(req), ct));

    private static T Get<T>(HttpRequest req) where T : notnull => req.HttpContext.RequestServices.GetRequiredService<T>();
}
