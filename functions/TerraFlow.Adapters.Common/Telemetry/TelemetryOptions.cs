namespace TerraFlow.Adapters.Telemetry;

/// <summary>TerraFlow:Telemetry settings; the connection string itself is APPLICATIONINSIGHTS_CONNECTION_STRING.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The cloud role shown in Application Map (defaults to the program: terraflow-functions / terraflow-runner).</summary>
    public string? RoleName { get; set; }

    /// <summary>
    /// Share of traces kept, decided from the trace id so that the host and every runner keep or drop the same
    /// operation (the exporter's default, a per-process rate limit, would cut one webhook's operation in pieces).
    /// </summary>
    public float SamplingRatio { get; set; } = 1.0F;

    /// <summary>Live Metrics; unset = on when the connection string names a <c>LiveEndpoint</c> (the portal's strings do).</summary>
    public bool? LiveMetrics { get; set; }

    /// <summary>Keep telemetry on disk while ingestion cannot be reached and send it later (the exporter's default).</summary>
    public bool OfflineStorage { get; set; } = true;

    /// <summary>Where offline telemetry is kept; unset = the exporter's default under the temp folder.</summary>
    public string? StorageDirectory { get; set; }
}
