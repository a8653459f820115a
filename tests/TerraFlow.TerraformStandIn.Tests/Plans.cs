namespace TerraFlow.TerraformStandIn.Tests;

/// <summary>Small hand-written plan JSON documents (terraform show -json shape) for exact-count tests.</summary>
public static class Plans
{
    public static string WithActions(params (string Address, string[] Actions)[] resources)
    {
        var changes = resources.Select(r =>
        {
            var parts = r.Address.Split('.');
            var actions = string.Join(',', r.Actions.Select(a => $"\"{a}\""));
            var before = r.Actions.Contains("create") && r.Actions.Length == 1 ? "null" : "{\"id\":\"old-1\",\"ami\":\"ami-1\"}";
            var after = r.Actions.SequenceEqual(["delete"]) ? "null" : "{\"ami\":\"ami-2\"}";
            return "{\"address\":\"" + r.Address + "\",\"mode\":\"managed\",\"type\":\"" + parts[0] + "\",\"name\":\"" + parts[1]
                + "\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"change\":{\"actions\":[" + actions
                + "],\"before\":" + before + ",\"after\":" + after + ",\"after_unknown\":{\"id\":true}}}";
        });
        return "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.8\",\"resource_changes\":[" + string.Join(',', changes) + "]}";
    }
}
