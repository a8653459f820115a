using System.Text.Json;
using TerraFlow.Core.Jobs;

namespace TerraFlow.Adapters.Postgres;

/// <summary>One JSON shape for everything TerraFlow stores in jsonb columns and sends over job transports.</summary>
public static class StoreJson
{
    /// <summary>Core's <see cref="JobWire.Options"/>: job specs and results in jsonb are byte for byte the wire format.</summary>
    public static readonly JsonSerializerOptions Options = JobWire.Options;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null {typeof(T).Name}");

    /// <summary>Status enums are stored as lower-case snake_case text, e.g. NoProjects → "no_projects".</summary>
    public static string EnumText<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T ParseEnum<T>(string text) where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
