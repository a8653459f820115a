using System.Text.Json;

namespace TerraFlow.Core.Policies;

/// <summary>What a plan does to one resource, reduced to the kinds policies talk about.</summary>
public enum PlannedChange { None, Create, Update, Delete, Replace, Read }

/// <summary>
/// One entry of a plan's <c>resource_changes</c> with the parts policies need. <see cref="After"/>,
/// <see cref="AfterUnknown"/> and <see cref="AfterSensitive"/> are elements of the caller's <see cref="JsonDocument"/>
/// and live only as long as it does.
/// </summary>
public sealed record PlannedResource(
    string Address,
    string Type,
    PlannedChange Change,
    JsonElement After,
    JsonElement AfterUnknown,
    JsonElement AfterSensitive)
{
    /// <summary>Create, update, delete or replace: what "changed resources" counts.</summary>
    public bool IsChanged => Change is PlannedChange.Create or PlannedChange.Update or PlannedChange.Delete or PlannedChange.Replace;

    public bool Matches(PolicyAction action) => action switch
    {
        PolicyAction.Create => Change is PlannedChange.Create or PlannedChange.Replace,
        PolicyAction.Delete => Change is PlannedChange.Delete or PlannedChange.Replace,
        PolicyAction.Update => Change == PlannedChange.Update,
        PolicyAction.Replace => Change == PlannedChange.Replace,
        PolicyAction.Read => Change == PlannedChange.Read,
        _ => false,
    };

    /// <summary>Reads <c>resource_changes</c> of a <c>terraform show -json</c> document.</summary>
    /// <exception cref="FormatException">The document is not a plan or an entry lacks its address or actions.</exception>
    public static IReadOnlyList<PlannedResource> ReadAll(JsonDocument plan)
    {
        if (plan.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("the plan JSON is not an object");
        if (!plan.RootElement.TryGetProperty("resource_changes", out var changes) || changes.ValueKind == JsonValueKind.Null)
            return [];
        if (changes.ValueKind != JsonValueKind.Array)
            throw new FormatException("'resource_changes' is not an array");

        var resources = new List<PlannedResource>(changes.GetArrayLength());
        foreach (var entry in changes.EnumerateArray())
        {
            var address = Text(entry, "address") ?? throw new FormatException("a resource change has no 'address'");
            var type = Text(entry, "type") ?? "";
            if (!entry.TryGetProperty("change", out var change) || change.ValueKind != JsonValueKind.Object)
                throw new FormatException($"resource change '{address}' has no 'change' object");
            resources.Add(new PlannedResource(
                address, type, ChangeOf(change, address),
                Property(change, "after"), Property(change, "after_unknown"), Property(change, "after_sensitive")));
        }
        return resources;
    }

    private static PlannedChange ChangeOf(JsonElement change, string address)
    {
        if (!change.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
            throw new FormatException($"resource change '{address}' has no 'actions' list");
        var names = actions.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : null).ToList();
        return names switch
        {
            ["create"] => PlannedChange.Create,
            ["update"] => PlannedChange.Update,
            ["delete"] => PlannedChange.Delete,
            ["read"] => PlannedChange.Read,
            ["delete", "create"] or ["create", "delete"] => PlannedChange.Replace,
            _ => PlannedChange.None, // "no-op", "forget" and anything newer: nothing a policy here looks at
        };
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value : default;
}
