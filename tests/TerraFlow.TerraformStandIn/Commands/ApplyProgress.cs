using System.Text;
using System.Text.Json;
using TerraFlow.TerraformStandIn.Plans;

namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>The per-resource progress lines and the <c>Outputs:</c> section of <c>terraform apply</c>.</summary>
internal static class ApplyProgress
{
    public static void Append(StringBuilder output, PlanModel plan)
    {
        foreach (var r in plan.Resources)
        {
            var a = r.Address;
            var id = Id(r);
            switch (r.Kind)
            {
                case ChangeKind.Create:
                    output.Append($"{a}: Creating...\n{a}: Creation complete after 0s [id={id}]\n");
                    break;
                case ChangeKind.Update:
                    output.Append($"{a}: Modifying... [id={id}]\n{a}: Modifications complete after 0s [id={id}]\n");
                    break;
                case ChangeKind.Delete:
                    output.Append($"{a}: Destroying... [id={id}]\n{a}: Destruction complete after 0s\n");
                    break;
                case ChangeKind.DeleteThenCreate:
                    output.Append($"{a}: Destroying... [id={id}]\n{a}: Destruction complete after 0s\n");
                    output.Append($"{a}: Creating...\n{a}: Creation complete after 0s [id={id}]\n");
                    break;
                case ChangeKind.CreateThenDelete:
                    output.Append($"{a}: Creating...\n{a}: Creation complete after 0s [id={id}]\n");
                    output.Append($"{a} (deposed object): Destroying... [id={id}]\n{a}: Destruction complete after 0s\n");
                    break;
                case ChangeKind.Read:
                    output.Append($"{a}: Reading...\n{a}: Read complete after 0s [id={id}]\n");
                    break;
            }
        }
    }

    public static void AppendOutputs(StringBuilder output, PlanModel plan)
    {
        var values = plan.Outputs
            .Select(o => (o.Name, After: ValueNode.After(o.Change)))
            .Where(o => o.After.Exists && !o.After.IsUnknown)
            .ToList();
        if (values.Count == 0)
        {
            return;
        }

        output.Append("\nOutputs:\n\n");
        var renderer = new ValueRenderer(new StringBuilder());
        foreach (var (name, after) in values.OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            var value = after.IsSensitive ? "<sensitive>" : renderer.Value(0, after with { Sensitive = default }, string.Empty);
            output.Append($"{name} = {value}\n");
        }
    }

    /// <summary>The resource's own id when the plan knows it, else a stable fake derived from the address.</summary>
    private static string Id(ResourceChangeView r)
    {
        foreach (var side in new[] { "before", "after" })
        {
            if (r.Change.TryGetProperty(side, out var values) && values.ValueKind == JsonValueKind.Object
                && values.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString()!;
            }
        }

        return "standin-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(r.Address)))[..12];
    }
}
