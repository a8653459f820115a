using System.Text;
using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>
/// Renders a plan the way <c>terraform plan -no-color</c> and <c>terraform show -no-color PLANFILE</c> do
/// (Terraform 1.9 wording): the symbol legend, one block per changed resource, the
/// <c>Plan: X to add, Y to change, Z to destroy.</c> line and <c>Changes to Outputs:</c>.
/// </summary>
internal static class PlanRenderer
{
    public const string NoChangesHeadline = "No changes. Your infrastructure matches the configuration.";

    private static readonly HashSet<string> IdentifyingAttributes = new(StringComparer.Ordinal) { "id", "name", "tags" };

    public static string Render(PlanModel plan)
    {
        var text = new StringBuilder();
        var changed = plan.Resources.Where(r => r.IsChange || r.Kind == ChangeKind.Read).ToList();
        if (!plan.HasChanges)
        {
            text.Append('\n').Append(NoChangesHeadline).Append("\n\n")
                .Append(StandInIdentity.Product).Append(" has compared your real infrastructure against your configuration\n")
                .Append("and found no differences, so no changes are needed.\n");
            return text.ToString();
        }

        if (changed.Count > 0)
        {
            AppendLegend(text, changed);
            text.Append('\n').Append(StandInIdentity.Product).Append(" will perform the following actions:\n\n");
            foreach (var resource in changed)
            {
                AppendResource(text, resource);
                text.Append('\n');
            }

            if (plan.HasResourceChanges)
            {
                text.Append(SummaryLine(plan)).Append('\n');
            }
        }

        if (plan.HasOutputChanges)
        {
            text.Append("\nChanges to Outputs:\n");
            var renderer = new ValueRenderer(text);
            var outputs = plan.Outputs.Where(o => o.Kind != ChangeKind.NoOp).ToList();
            var width = outputs.Max(o => o.Name.Length);
            foreach (var output in outputs)
            {
                renderer.Attribute(0, output.Name.PadRight(width), ValueNode.Before(output.Change), ValueNode.After(output.Change));
            }

            if (!plan.HasResourceChanges)
            {
                text.Append("\nYou can apply this plan to save these new output values to the Terraform\n")
                    .Append("state, without changing any real infrastructure.\n");
            }
        }

        return text.ToString();
    }

    /// <summary>For example <c>Plan: 1 to import, 2 to add, 0 to change, 1 to destroy.</c></summary>
    public static string SummaryLine(PlanModel plan)
    {
        var import = plan.ToImport > 0 ? $"{plan.ToImport} to import, " : string.Empty;
        var forget = plan.ToForget > 0 ? $", {plan.ToForget} to forget" : string.Empty;
        return $"Plan: {import}{plan.ToAdd} to add, {plan.ToChange} to change, {plan.ToDestroy} to destroy{forget}.";
    }

    /// <summary>For example <c>Apply complete! Resources: 2 added, 0 changed, 1 destroyed.</c></summary>
    public static string ApplyCompleteLine(PlanModel plan)
    {
        var import = plan.ToImport > 0 ? $"{plan.ToImport} imported, " : string.Empty;
        var forget = plan.ToForget > 0 ? $", {plan.ToForget} forgotten" : string.Empty;
        return $"Apply complete! Resources: {import}{plan.ToAdd} added, {plan.ToChange} changed, {plan.ToDestroy} destroyed{forget}.";
    }

    private static void AppendLegend(StringBuilder text, List<ResourceChangeView> changed)
    {
        (ChangeKind Kind, string Legend)[] legend =
        [
            (ChangeKind.Create, "  + create"),
            (ChangeKind.Delete, "  - destroy"),
            (ChangeKind.Update, "  ~ update in-place"),
            (ChangeKind.CreateThenDelete, "+/- create replacement and then destroy"),
            (ChangeKind.DeleteThenCreate, "-/+ destroy and then create replacement"),
            (ChangeKind.Read, " <= read (data resources)"),
            (ChangeKind.Forget, " .  forget"),
        ];
        var lines = legend.Where(l => changed.Any(r => r.Kind == l.Kind)).Select(l => l.Legend).ToList();
        if (lines.Count == 0)
        {
            // Plans with only moves or imports have no symbols to explain, so Terraform skips the legend.
            return;
        }

        text.Append('\n').Append(StandInIdentity.Product).Append(" used the selected providers to generate the following execution\n")
            .Append("plan. Resource actions are indicated with the following symbols:\n");
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
    }

    private static void AppendResource(StringBuilder text, ResourceChangeView resource)
    {
        foreach (var comment in HeaderComments(resource))
        {
            text.Append("  # ").Append(comment).Append('\n');
        }

        var renderer = new ValueRenderer(text);
        var keyword = resource.Mode == "data" ? "data" : "resource";
        renderer.Line(0, Symbol(resource.Kind), $"{keyword} \"{resource.Type}\" \"{resource.Name}\" {{");
        var before = ValueNode.Before(resource.Change);
        var after = ValueNode.After(resource.Change);
        var replacePaths = ReplacePaths(resource.Change);
        if (resource.Kind == ChangeKind.Delete || resource.Kind == ChangeKind.Forget)
        {
            after = default;
        }

        renderer.ObjectBody(
            4,
            before,
            after,
            quoteKeys: false,
            "attribute",
            key => replacePaths.Contains(key) ? " # forces replacement" : string.Empty,
            IdentifyingAttributes);
        text.Append("    }\n");
    }

    private static IEnumerable<string> HeaderComments(ResourceChangeView r)
    {
        var a = r.Address;
        if (r.IsMoved && r.Kind == ChangeKind.NoOp)
        {
            yield return $"{r.PreviousAddress} has moved to {a}";
            yield break;
        }

        yield return (r.Kind, r.ActionReason) switch
        {
            (ChangeKind.Create, _) => $"{a} will be created",
            (ChangeKind.Read, _) => $"{a} will be read during apply",
            (ChangeKind.Update, _) => $"{a} will be updated in-place",
            (ChangeKind.Delete, _) => $"{a} will be destroyed",
            (ChangeKind.Forget, _) => $"{a} will no longer be managed by Terraform",
            (_, "replace_because_tainted") => $"{a} is tainted, so must be replaced",
            (_, "replace_by_request") => $"{a} will be replaced, as requested",
            (ChangeKind.DeleteThenCreate or ChangeKind.CreateThenDelete, _) => $"{a} must be replaced",
            _ => r.Importing ? $"{a} will be imported" : $"{a} will be changed",
        };

        if (r.IsMoved)
        {
            yield return $"(moved from {r.PreviousAddress})";
        }

        if (r.Importing && r.Kind != ChangeKind.NoOp)
        {
            yield return ImportId(r.Change) is { } id ? $"(imported from \"{id}\")" : "(imported)";
        }

        var reason = r.ActionReason switch
        {
            "delete_because_no_resource_config" => $"(because {a} is not in configuration)",
            "delete_because_no_module" => "(because its module is not in configuration)",
            "delete_because_count_index" or "delete_because_each_key" => "(because the index is not in the configuration)",
            "read_because_config_unknown" => "(config refers to values not yet known)",
            "read_because_dependency_pending" => "(depends on a resource or a module with changes pending)",
            _ => null,
        };
        if (reason is not null)
        {
            yield return reason;
        }
    }

    private static string? ImportId(JsonElement change)
        => change.TryGetProperty("importing", out var importing) && importing.TryGetProperty("id", out var id)
           && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private static string Symbol(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => "+",
        ChangeKind.Delete => "-",
        ChangeKind.Update => "~",
        ChangeKind.DeleteThenCreate => "-/+",
        ChangeKind.CreateThenDelete => "+/-",
        ChangeKind.Read => "<=",
        ChangeKind.Forget => ".",
        _ => string.Empty,
    };

    /// <summary>Top-level attribute names listed in <c>replace_paths</c> (they get "# forces replacement").</summary>
    private static HashSet<string> ReplacePaths(JsonElement change)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (change.TryGetProperty("replace_paths", out var paths) && paths.ValueKind == JsonValueKind.Array)
        {
            foreach (var path in paths.EnumerateArray())
            {
                if (path.ValueKind == JsonValueKind.Array && path.GetArrayLength() == 1 && path[0].ValueKind == JsonValueKind.String)
                {
                    names.Add(path[0].GetString()!);
                }
            }
        }

        return names;
    }
}
