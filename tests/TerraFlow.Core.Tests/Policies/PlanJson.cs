using System.Text;
using System.Text.Json.Nodes;

namespace TerraFlow.Core.Tests.Policies;

/// <summary>Builds small hand-written plans in the shape of <c>terraform show -json</c>.</summary>
internal static class PlanJson
{
    public static JsonObject Change(string address, string type, string[] actions, JsonObject? after = null, JsonObject? afterUnknown = null, JsonNode? afterSensitive = null) => new()
    {
        ["address"] = address,
        ["mode"] = type.StartsWith("data.", StringComparison.Ordinal) ? "data" : "managed",
        ["type"] = type,
        ["name"] = address.Split('.').Last(),
        ["change"] = new JsonObject
        {
            ["actions"] = new JsonArray(actions.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["before"] = null,
            ["after"] = after,
            ["after_unknown"] = afterUnknown ?? new JsonObject(),
            ["after_sensitive"] = afterSensitive ?? new JsonObject(),
        },
    };

    public static byte[] Plan(params JsonObject[] changes) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["format_version"] = "1.2",
        ["terraform_version"] = "1.9.0",
        ["resource_changes"] = new JsonArray(changes.Cast<JsonNode>().ToArray()),
    }.ToJsonString());

    public static JsonObject Obj(params (string Key, JsonNode? Value)[] properties)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in properties) obj[key] = value;
        return obj;
    }
}
