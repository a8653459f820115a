using System.Text.Json;

namespace TerraFlow.Adapters.Webhooks;

/// <summary>
/// Reads dotted paths ("pull_request.head.sha", "object_attributes.iid") out of a webhook payload (GitHub or GitLab)
/// and fails with a message that names the missing field, so a 400 answer tells the sender exactly what was wrong.
/// </summary>
/// <param name="source">Names the payload in messages, e.g. "GitHub 'pull_request'".</param>
/// <param name="error">Makes the provider's payload exception, which its endpoint turns into a 400.</param>
internal readonly struct WebhookJson(JsonElement root, string source, Func<string, Exception> error)
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

    /// <summary>A string that may be absent or null (a comment body can be empty, a ping may lack fields).</summary>
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
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : throw WrongType(path, "an integer");
    }

    /// <summary>An integer that must be positive (e.g. a merge request's iid).</summary>
    public int PositiveInt32(string path) => Int32(path) is > 0 and var n ? n : throw WrongType(path, "a positive integer");

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

    public Exception Missing(string path) => error($"{source} payload is missing required field '{path}'.");

    private Exception WrongType(string path, string expected) => error($"{source} payload field '{path}' is not {expected}.");
}
