using System.Text.Json.Nodes;

namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>Builds small <c>terraform show -json</c> documents for the stand-in to replay, in Terraform's real shape.</summary>
public static class PlanJson
{
    public static string With(params (string Address, string[] Actions)[] changes)
    {
        var list = new JsonArray();
        foreach (var (address, actions) in changes)
        {
            var dot = address.LastIndexOf('.');
            var type = address[..dot];
            var creating = actions.Contains("create");
            var deleting = actions.Contains("delete");
            list.Add(new JsonObject
            {
                ["address"] = address,
                ["mode"] = "managed",
                ["type"] = type,
                ["name"] = address[(dot + 1)..],
                ["provider_name"] = "registry.terraform.io/hashicorp/null",
                ["change"] = new JsonObject
                {
                    ["actions"] = new JsonArray(actions.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
                    ["before"] = creating && !deleting ? null : new JsonObject { ["id"] = "old", ["size"] = 1 },
                    ["after"] = deleting && !creating ? null : new JsonObject { ["id"] = "new", ["size"] = 2 },
                    ["after_unknown"] = new JsonObject(),
                    ["before_sensitive"] = new JsonObject(),
                    ["after_sensitive"] = new JsonObject(),
                },
            });
        }
        var doc = new JsonObject
        {
            ["format_version"] = "1.2",
            ["terraform_version"] = "1.9.8",
            ["resource_changes"] = list,
            ["configuration"] = new JsonObject(),
        };
        return doc.ToJsonString();
    }
}
