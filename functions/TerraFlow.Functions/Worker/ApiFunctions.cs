using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Queries;
using TerraFlow.Functions.Api;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The run API through <see cref="RunsEndpoint"/>. Run metadata is not for the public: these need a function key
/// (<c>x-functions-key</c> header or <c>?code=</c>), checked by the Functions host before the worker sees the request.
/// </summary>
public sealed class ApiFunctions
{
    [Function("Run")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id:long}")] HttpRequest req, long id, CancellationToken ct) =>
        new HttpResultAction(await RunsEndpoint.RunAsync(id, req.HttpContext.RequestServices.GetRequiredService<IRunQueries>(), ct));

    [Function("RunEvents")]
    public async Task<IActionResult> EventsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{id:long}/events")] HttpRequest req, long id, CancellationToken ct) =>
        new HttpResultAction(await RunsEndpoint.EventsAsync(id, req.HttpContext.RequestServices.GetRequiredService<IRunQueries>(), ct));
}
