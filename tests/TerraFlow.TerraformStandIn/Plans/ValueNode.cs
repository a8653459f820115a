using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>
/// A value from a plan change together with its "after_unknown" and "*_sensitive" masks, which mirror
/// the value's shape with <c>true</c> leaves. A missing value has <see cref="JsonValueKind.Undefined"/>.
/// </summary>
internal readonly record struct ValueNode(JsonElement Value, JsonElement Unknown, JsonElement Sensitive)
{
    public bool IsUnknown => Unknown.ValueKind == JsonValueKind.True;

    public bool IsSensitive => Sensitive.ValueKind == JsonValueKind.True;

    /// <summary>Present and not null, or unknown (which will become a value after apply).</summary>
    public bool Exists => IsUnknown || Value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    public JsonValueKind Kind => Value.ValueKind;

    public static ValueNode Before(JsonElement change)
        => new(Get(change, "before"), default, Get(change, "before_sensitive"));

    public static ValueNode After(JsonElement change)
        => new(Get(change, "after"), Get(change, "after_unknown"), Get(change, "after_sensitive"));

    public ValueNode Child(string key) => new(Get(Value, key), Get(Unknown, key), Get(Sensitive, key));

    public ValueNode Child(int index) => new(Get(Value, index), Get(Unknown, index), Get(Sensitive, index));

    /// <summary>Property names of the value and of the unknown mask (unknown attributes are absent from "after").</summary>
    public IEnumerable<string> Keys()
    {
        var keys = new List<string>();
        if (Value.ValueKind == JsonValueKind.Object)
        {
            keys.AddRange(Value.EnumerateObject().Select(p => p.Name));
        }

        if (Unknown.ValueKind == JsonValueKind.Object)
        {
            keys.AddRange(Unknown.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name));
        }

        return keys;
    }

    public int Length => Value.ValueKind == JsonValueKind.Array ? Value.GetArrayLength() : 0;

    public bool SameAs(ValueNode other)
        => !IsUnknown && !other.IsUnknown && IsSensitive == other.IsSensitive && JsonElement.DeepEquals(Value, other.Value);

    private static JsonElement Get(JsonElement element, string key)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var v) ? v : default;

    private static JsonElement Get(JsonElement element, int index)
        => element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() ? element[index] : default;
}
