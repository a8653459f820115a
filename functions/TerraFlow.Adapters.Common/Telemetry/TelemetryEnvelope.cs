using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TerraFlow.Adapters.Telemetry;

/// <summary>
/// Writes Application Insights ingestion ("Breeze") envelopes: one JSON object per item, posted as a JSON array to
/// <c>{IngestionEndpoint}/v2.1/track</c>. Only the fields the portal needs for requests, dependencies, metrics and
/// exceptions are written; the operation id is the W3C trace id, so the portal joins webhook and runner items.
/// </summary>
public sealed class TelemetryEnvelope(string instrumentationKey, string roleName, string roleInstance, string? gitHubAuthority = null)
{
    private readonly string _namePrefix = "Microsoft.ApplicationInsights." + instrumentationKey.Replace("-", "", StringComparison.Ordinal) + ".";

    /// <summary>A finished activity as a request (server / consumer work) or a dependency (outgoing call).</summary>
    public byte[] FromActivity(Activity activity)
    {
        var isRequest = activity.Kind is ActivityKind.Server or ActivityKind.Consumer;
        var dependency = isRequest ? null : DependencyShape.Of(activity, gitHubAuthority);
        return Write(isRequest ? "Request" : "RemoteDependency", activity.StartTimeUtc, activity, w =>
        {
            w.WriteString("baseType", isRequest ? "RequestData" : "RemoteDependencyData");
            w.WriteStartObject("baseData");
            w.WriteNumber("ver", 2);
            w.WriteString("id", activity.SpanId.ToHexString());
            w.WriteString("duration", activity.Duration.ToString("c", CultureInfo.InvariantCulture));
            var code = Tag(activity, "http.response.status_code") ?? Tag(activity, "http.status_code");
            var success = activity.Status != ActivityStatusCode.Error && !(int.TryParse(code, out var c) && (isRequest ? c >= 500 : c >= 400));
            w.WriteBoolean("success", success);
            if (isRequest)
            {
                w.WriteString("name", RequestName(activity));
                w.WriteString("responseCode", code ?? (success ? "0" : "1"));
                if (Tag(activity, "url.path") is { } path) w.WriteString("url", path);
            }
            else
            {
                w.WriteString("name", dependency!.Name);
                w.WriteString("type", dependency.Type);
                if (dependency.Target is { } target) w.WriteString("target", target);
                if (dependency.Data is { } data) w.WriteString("data", data);
                w.WriteString("resultCode", code ?? (success ? "0" : "1"));
            }
            WriteProperties(w, activity.TagObjects.Where(t => t.Key.StartsWith("terraflow.", StringComparison.Ordinal)));
            w.WriteEndObject();
        });
    }

    /// <summary>A pre-aggregated metric over one flush interval (AI "Aggregation" kind).</summary>
    public byte[] FromMetric(string name, IReadOnlyList<KeyValuePair<string, object?>> tags, long count, double sum, double min, double max, DateTime timeUtc) =>
        Write("Metric", timeUtc, null, w =>
        {
            w.WriteString("baseType", "MetricData");
            w.WriteStartObject("baseData");
            w.WriteNumber("ver", 2);
            w.WriteStartArray("metrics");
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("kind", 1);
            w.WriteNumber("value", sum);
            w.WriteNumber("count", count);
            w.WriteNumber("min", min);
            w.WriteNumber("max", max);
            w.WriteEndObject();
            w.WriteEndArray();
            WriteProperties(w, tags);
            w.WriteEndObject();
        });

    /// <summary>An exception recorded on an activity (<c>Activity.AddException</c>).</summary>
    public byte[] FromException(Activity activity, string typeName, string message, string? stack) =>
        Write("Exception", DateTime.UtcNow, activity, w =>
        {
            w.WriteString("baseType", "ExceptionData");
            w.WriteStartObject("baseData");
            w.WriteNumber("ver", 2);
            w.WriteStartArray("exceptions");
            w.WriteStartObject();
            w.WriteString("typeName", typeName);
            w.WriteString("message", message);
            w.WriteBoolean("hasFullStack", stack is not null);
            if (stack is not null) w.WriteString("stack", stack);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private byte[] Write(string type, DateTime timeUtc, Activity? activity, Action<Utf8JsonWriter> data)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", _namePrefix + type);
            w.WriteString("time", timeUtc.ToString("o", CultureInfo.InvariantCulture));
            w.WriteString("iKey", instrumentationKey);
            w.WriteStartObject("tags");
            w.WriteString("ai.cloud.role", roleName);
            w.WriteString("ai.cloud.roleInstance", roleInstance);
            if (activity is not null)
            {
                w.WriteString("ai.operation.id", activity.TraceId.ToHexString());
                if (activity.ParentSpanId != default) w.WriteString("ai.operation.parentId", activity.ParentSpanId.ToHexString());
                w.WriteString("ai.operation.name", RootName(activity));
            }
            w.WriteEndObject();
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteProperties(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        w.WriteStartObject("properties");
        foreach (var (key, value) in tags)
            if (value is not null) w.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    /// <summary>"POST /api/webhooks/github": the route when routing matched, else the path.</summary>
    internal static string RequestName(Activity a)
    {
        var method = Tag(a, "http.request.method");
        var route = Tag(a, "http.route") ?? Tag(a, "url.path");
        return method is not null && route is not null ? $"{method} {route}" : a.DisplayName;
    }

    private static string RootName(Activity a)
    {
        var root = a;
        while (root.Parent is { } p) root = p;
        return root.Kind == ActivityKind.Server ? RequestName(root) : root.DisplayName;
    }

    internal static string? Tag(Activity a, string key) =>
        a.GetTagItem(key) is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
}
