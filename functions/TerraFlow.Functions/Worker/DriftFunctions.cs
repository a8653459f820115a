using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Drift;
using TerraFlow.Functions.Drift;

namespace TerraFlow.Functions.Worker;

/// <summary>The drift API through <see cref="DriftEndpoints"/>, behind a function key like the run API.</summary>
public sealed class DriftFunctions
{
    [Function("DriftStart")]
    public async Task<IActionResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{id:long}/drift")] HttpRequest req, long id, CancellationToken ct) =>
        new HttpResultAction(await DriftEndpoints.StartAsync(id, req.HttpContext.RequestServices.GetRequiredService<DriftScheduler>(),
            req.HttpContext.RequestServices.GetRequiredService<DriftLinks>(), ct));

    [Function("DriftList")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "drift")] HttpRequest req, CancellationToken ct) =>
        new HttpResultAction(await DriftEndpoints.ListAsync(req.HttpContext.RequestServices.GetRequiredService<IDriftQueries>(), ct));
}
