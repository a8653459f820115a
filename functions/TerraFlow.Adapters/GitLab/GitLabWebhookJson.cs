using System.Text.Json;

namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// Reads dotted paths ("object_attributes.last_commit.id") out of a GitLab hook and fails with a message naming the
/// missing field, so the 400 answer (shown under the webhook's "Recent events" in GitLab) says exactly what was wrong.
/// </summary>
internal readonly struct GitLabWebhookJson(JsonElement root, string eventName)
{
    public JsonElement Root => root;

    public JsonElement? Find(string path)
    {
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out var next)
                || next.ValueKind == JsonValueKind.Null)
                return null;
            current = next;
        }
        return current;
    }

    public bool Has(string path) => Find(path) is not null;

    public string String(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType(path, "a string");
    }

    public string? OptionalString(string path)
    {
        var value = Find(path);
        if (value is null) return null;
        return value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : throw WrongType(path, "a string");
    }

    public long Int64(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw WrongType(path, "an integer");
    }

    public int Int32(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0 ? n : throw WrongType(path, "a positive integer");
    }

    public long? OptionalInt64(string path) => Has(path) ? Int64(path) : null;

    public bool OptionalBool(string path, bool fallback)
    {
        var value = Find(path);
        if (value is null) return fallback;
        return value.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(path, "a boolean"),
        };
    }

    public GitLabPayloadException Missing(string path) =>
        new($"GitLab '{eventName}' payload is missing required field '{path}'.");

    private GitLabPayloadException WrongType(string path, string expected) =>
        new($"GitLab '{eventName}' payload field '{path}' is not {expected}.");
}
