using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// The custom-handler invocation request the Functions host POSTs to <c>/{FunctionName}</c>:
/// <c>{"Data": {"&lt;binding&gt;": value}, "Metadata": {...}}</c>. Values the host could not pass as JSON objects arrive
/// as JSON-encoded strings (sometimes twice), bytes as base64; the accessors here undo that.
/// </summary>
internal sealed class InvocationRequest
{
    private InvocationRequest(JsonElement data, JsonElement metadata)
    {
        Data = data;
        Metadata = metadata;
    }

    public JsonElement Data { get; }

    public JsonElement Metadata { get; }

    /// <summary>Null when the body is not a JSON object (so not from the Functions host).</summary>
    public static InvocationRequest? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var root = doc.RootElement.Clone();
            return new InvocationRequest(Property(root, "Data"), Property(root, "Metadata"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A trigger metadata value as text (<c>"MessageId": "\"abc\""</c> and <c>"abc"</c> both give <c>abc</c>).</summary>
    public string? MetadataText(string name)
    {
        var value = Property(Metadata, name);
        return value.ValueKind switch
        {
            JsonValueKind.String => UnquoteJsonString(value.GetString()!),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    public int? MetadataInt(string name) => int.TryParse(MetadataText(name), out var n) ? n : null;

    /// <summary>
    /// A binding value as a JSON document: an object as is; a string parsed as JSON (repeatedly, for double
    /// encoding) or, failing that, base64-decoded UTF-8 JSON. Null when no JSON object or array is in there.
    /// </summary>
    public JsonElement? DataJson(string bindingName)
    {
        var value = Property(Data, bindingName);
        for (var depth = 0; depth < 4; depth++)
        {
            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) return value;
            if (value.ValueKind != JsonValueKind.String) return null;
            var text = value.GetString()!;
            if (TryParse(text, out var parsed)) value = parsed;
            else if (TryBase64(text, out var decoded) && TryParse(decoded, out parsed)) value = parsed;
            else return null;
        }
        return null;
    }

    // Names as the host writes them, but matched case-insensitively: older and newer hosts differ in casing.
    private static JsonElement Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return default;
        foreach (var p in obj.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return default;
    }

    private static string UnquoteJsonString(string text) =>
        text.Length >= 2 && text[0] == '"' && TryParse(text, out var inner) && inner.ValueKind == JsonValueKind.String ? inner.GetString()! : text;

    private static bool TryParse(string text, out JsonElement element)
    {
        element = default;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty || trimmed[0] is not ('{' or '[' or '"')) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryBase64(string text, out string decoded)
    {
        decoded = "";
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, buffer, out var written)) return false;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

/// <summary>
/// The invocation response: <c>{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}</c>. A 2xx with this body is a
/// successful invocation; any other status makes the host fail the invocation (and abandon a Service Bus message).
/// </summary>
internal sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    /// <summary>Exact property names; the values inside keep their own casing.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null };

    // Outputs stays empty: none of these functions has output bindings (a string output would even be base64-decoded by the host).
    public static IResult Ok(IReadOnlyList<string> logs, object? returnValue) =>
        Results.Json(new InvocationResponse(new Dictionary<string, object?>(), logs, returnValue), JsonOptions);
}
