using System.Text.Json;

namespace TerraFlow.Core.Policies;

/// <summary>The four built-in checks. Each gets the resources that passed the rule's type/address filter.</summary>
internal static class PolicyChecks
{
    public static (string Message, IReadOnlyList<string> Resources)? Actions(PolicyRule rule, IReadOnlyList<PlannedResource> resources)
    {
        var actions = rule.Actions!;
        var hits = resources.Where(r => actions.Any(r.Matches)).Select(r => r.Address).ToList();
        if (hits.Count == 0) return null;
        var verbs = string.Join(" or ", actions.Select(Verb));
        return ($"{Count(hits.Count)} would be {verbs}{Filter(rule)}: {List(hits)}", hits);
    }

    public static (string Message, IReadOnlyList<string> Resources)? MaxChanges(PolicyRule rule, IReadOnlyList<PlannedResource> resources)
    {
        var changed = resources.Where(r => r.IsChanged).Select(r => r.Address).ToList();
        if (changed.Count <= rule.MaxChanges) return null;
        return ($"the plan changes {Count(changed.Count)}{Filter(rule)}; at most {rule.MaxChanges} are allowed", changed);
    }

    public static (string Message, IReadOnlyList<string> Resources)? RequiredTags(PolicyRule rule, IReadOnlyList<PlannedResource> resources)
    {
        var problems = new List<(string Address, IReadOnlyList<string> Missing)>();
        foreach (var resource in resources.Where(r => r.Change is PlannedChange.Create or PlannedChange.Replace))
        {
            if (MissingTags(resource, rule.RequiredTags!) is { Count: > 0 } missing)
                problems.Add((resource.Address, missing));
        }
        if (problems.Count == 0) return null;
        var detail = string.Join("; ", problems.Take(10).Select(p => $"{p.Address} lacks {string.Join(", ", p.Missing)}"));
        return ($"{Count(problems.Count)} created without required tags ({string.Join(", ", rule.RequiredTags!)}): {detail}{More(problems.Count, 10)}",
            problems.Select(p => p.Address).ToList());
    }

    public static (string Message, IReadOnlyList<string> Resources)? AllowedValues(PolicyRule rule, IReadOnlyList<PlannedResource> resources)
    {
        var check = rule.AllowedValues!;
        var path = check.Attribute.Split('.');
        var problems = new List<(string Address, string Shown)>();
        foreach (var resource in resources.Where(r => r.Change is PlannedChange.Create or PlannedChange.Update or PlannedChange.Replace))
        {
            // Unknown until apply: nothing to judge yet. Absent or null: the attribute is not set, not a bad value.
            if (IsTrue(Walk(resource.AfterUnknown, path))) continue;
            var value = Walk(resource.After, path);
            if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) continue;
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            if (check.Values.Contains(text, StringComparer.Ordinal)) continue;
            var sensitive = IsTrue(resource.AfterSensitive) || IsTrue(Walk(resource.AfterSensitive, path));
            problems.Add((resource.Address, sensitive ? "(sensitive value)" : $"'{Shorten(text)}'"));
        }
        if (problems.Count == 0) return null;
        var detail = string.Join(", ", problems.Take(10).Select(p => $"{p.Address} = {p.Shown}"));
        return ($"{check.Attribute} must be one of {string.Join(", ", check.Values)}; {Count(problems.Count)} set it otherwise: {detail}{More(problems.Count, 10)}",
            problems.Select(p => p.Address).ToList());
    }

    /// <summary>
    /// Required keys missing from the planned tags. A resource type without a <c>tags</c> attribute is not applicable;
    /// tags unknown until apply are not judged. Keys in <c>tags_all</c> (AWS provider default tags) count as present.
    /// </summary>
    private static List<string>? MissingTags(PlannedResource resource, IReadOnlyList<string> required)
    {
        if (resource.After.ValueKind != JsonValueKind.Object) return null;
        var hasTags = resource.After.TryGetProperty("tags", out var tags);
        var unknown = resource.AfterUnknown.ValueKind == JsonValueKind.Object && resource.AfterUnknown.TryGetProperty("tags", out var u) ? u : default;
        if (!hasTags && unknown.ValueKind == JsonValueKind.Undefined) return null;
        if (IsTrue(unknown)) return null;
        resource.After.TryGetProperty("tags_all", out var tagsAll);
        return required
            .Where(key => !HasKey(tags, key) && !HasKey(tagsAll, key) && !IsTrue(Walk(unknown, [key])))
            .ToList();
    }

    private static bool HasKey(JsonElement map, string key) =>
        map.ValueKind == JsonValueKind.Object && map.TryGetProperty(key, out _);

    private static JsonElement Walk(JsonElement element, IReadOnlyList<string> path)
    {
        foreach (var segment in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element)) return default;
        }
        return element;
    }

    private static bool IsTrue(JsonElement element) => element.ValueKind == JsonValueKind.True;

    private static string Verb(PolicyAction action) => action switch
    {
        PolicyAction.Create => "created",
        PolicyAction.Update => "updated",
        PolicyAction.Delete => "deleted",
        PolicyAction.Replace => "replaced",
        _ => "read",
    };

    private static string Filter(PolicyRule rule)
    {
        var parts = new List<string>();
        if (rule.ResourceTypes.Count > 0) parts.Add("of type " + string.Join(" or ", rule.ResourceTypes));
        if (rule.Addresses.Count > 0) parts.Add("at " + string.Join(" or ", rule.Addresses));
        return parts.Count == 0 ? "" : " (" + string.Join(", ", parts) + ")";
    }

    private static string Count(int n) => n == 1 ? "1 resource" : $"{n} resources";

    private static string List(IReadOnlyList<string> addresses) => string.Join(", ", addresses.Take(10)) + More(addresses.Count, 10);

    private static string More(int total, int shown) => total > shown ? $" and {total - shown} more" : "";

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
