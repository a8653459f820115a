using TerraFlow.Adapters.Telemetry;

namespace TerraFlow.Functions;

/// <summary>Where the webhook endpoint names the host it served, for the request span's name (see AddTerraFlowTelemetry).</summary>
internal static class RequestTelemetryTags
{
    /// <summary>
    /// An endpoint that serves several hosts from one route template (<c>/api/webhooks/{provider}</c>) puts the route of
    /// the registered host it served here, so requests stay named per host ("POST /api/webhooks/gitlab") without ever
    /// naming an item after unverified text from the URL.
    /// </summary>
    public const string RouteItem = TerraFlowTelemetry.ServedRouteItem;
}
