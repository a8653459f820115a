using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TerraFlow.Application.Health;
using TerraFlow.Core.Artifacts;
using TerraFlow.Functions.Api;

namespace TerraFlow.Functions.Worker;

/// <summary>Readiness and liveness through <see cref="HealthEndpoint"/>; platform probes carry no key, so anonymous.</summary>
public sealed class HealthFunctions
{
    [Function("Health")]
    public async Task<IActionResult> ReadyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        var s = req.HttpContext.RequestServices;
        return new HttpResultAction(await HealthEndpoint.ReadyAsync(s.GetRequiredService<IDatabaseHealth>(), s.GetRequiredService<IArtifactStore>(), s, ct));
    }

    [Function("HealthLive")]
    public IActionResult Live(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest req) =>
        new HttpResultAction(HealthEndpoint.Live(req.HttpContext.RequestServices.GetRequiredService<IDatabaseHealth>()));
}
