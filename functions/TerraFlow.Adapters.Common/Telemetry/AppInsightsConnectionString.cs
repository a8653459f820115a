namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// The parts of an Application Insights connection string TerraFlow needs:
/// <c>InstrumentationKey=...;IngestionEndpoint=https://...</c> (other keys are ignored).
/// </summary>
public sealed record AppInsightsConnectionString(string InstrumentationKey, Uri IngestionEndpoint)
{
    public const string SettingName = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The global endpoint, used when the connection string names none (old instrumentation-key style).</summary>
    public static readonly Uri DefaultIngestionEndpoint = new("https://dc.services.visualstudio.com/");

    /// <summary>The address telemetry batches are posted to.</summary>
    public Uri TrackUri => new(IngestionEndpoint, "v2.1/track");

    /// <summary>Parses the string; null when it is empty, throws when it is set but unusable (a typo must not silently turn telemetry off).</summary>
    public static AppInsightsConnectionString? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{SettingName}: '{part}' is not Key=Value");
            parts[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        if (!parts.TryGetValue("InstrumentationKey", out var key) || key.Length == 0)
            throw new FormatException($"{SettingName} has no InstrumentationKey");
        var endpoint = DefaultIngestionEndpoint;
        if (parts.TryGetValue("IngestionEndpoint", out var e) && e.Length > 0)
        {
            if (!Uri.TryCreate(e.EndsWith('/') ? e : e + "/", UriKind.Absolute, out var parsed))
                throw new FormatException($"{SettingName}: IngestionEndpoint '{e}' is not an absolute URL");
            endpoint = parsed;
        }
        return new AppInsightsConnectionString(key, endpoint);
    }
}
