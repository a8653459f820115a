using System.Text.Json;

namespace TerraFlow.Integration.Tests.Telemetry;

/// <summary>Reads the fields of an ingestion envelope the tests assert on.</summary>
public static class TelemetryItem
{
    public static string? BaseType(JsonElement e) => Str(e, "data", "baseType");

    public static string? Name(JsonElement e) => BaseType(e) == "MetricData"
        ? e.GetProperty("data").GetProperty("baseData").GetProperty("metrics")[0].GetProperty("name").GetString()
        : Str(e, "data", "baseData", "name");

    public static string? OperationId(JsonElement e) => Str(e, "tags", "ai.operation.id");

    public static string? ParentId(JsonElement e) => Str(e, "tags", "ai.operation.parentId");

    public static string? Role(JsonElement e) => Str(e, "tags", "ai.cloud.role");

    public static string? Property(JsonElement e, string key) => Str(e, "data", "baseData", "properties", key);

    public static string? Field(JsonElement e, string key) => Str(e, "data", "baseData", key);

    private static string? Str(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
    }
}
