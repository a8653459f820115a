namespace TerraFlow.Adapters.Telemetry;

/// <summary>TerraFlow:Telemetry settings; the connection string itself is APPLICATIONINSIGHTS_CONNECTION_STRING.</summary>
public sealed class TelemetryOptions
{
    /// <summary>How often buffered items and aggregated metrics are sent.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Items kept in memory at most; beyond it new items are dropped (telemetry must never hold the service up).</summary>
    public int MaxBufferedItems { get; set; } = 10_000;

    /// <summary>The cloud role shown in Application Map (defaults to the program: terraflow-functions / terraflow-runner).</summary>
    public string? RoleName { get; set; }

    /// <summary>host[:port] of the GitHub API in use, so its calls are typed "GitHub" (set from TerraFlow:GitHub:ApiUrl).</summary>
    public string? GitHubAuthority { get; set; }
}
