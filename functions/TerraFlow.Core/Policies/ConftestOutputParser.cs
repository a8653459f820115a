using System.Text.Json;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Policies;

/// <summary>
/// Reads the output of <c>conftest test --output json</c>: an array with one entry per file and namespace
/// (<c>filename</c>, <c>namespace</c>, <c>successes</c>, and, only when non-empty, <c>failures</c>, <c>warnings</c>,
/// <c>exceptions</c>, each a list of <c>{msg, metadata}</c>). Failures become <see cref="PolicySeverity.Deny"/>
/// violations, warnings <see cref="PolicySeverity.Warn"/>; exceptions (failures a policy explicitly excused) are not
/// violations.
/// </summary>
public static class ConftestOutputParser
{
    public const string Source = "conftest";

    /// <summary>One violation per failure and warning, in output order.</summary>
    /// <exception cref="FormatException">The text is not conftest's JSON output.</exception>
    public static IReadOnlyList<PolicyViolation> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"conftest output is not JSON: {ex.Message}", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException("conftest output is not a JSON array of results");
            var violations = new List<PolicyViolation>();
            foreach (var result in document.RootElement.EnumerateArray())
            {
                if (result.ValueKind != JsonValueKind.Object)
                    throw new FormatException("a conftest result is not a JSON object");
                var ns = Text(result, "namespace") ?? "";
                Read(result, "failures", PolicySeverity.Deny, ns, violations);
                Read(result, "warnings", PolicySeverity.Warn, ns, violations);
            }
            return violations;
        }
    }

    private static void Read(JsonElement result, string list, PolicySeverity severity, string ns, List<PolicyViolation> into)
    {
        if (!result.TryGetProperty(list, out var items) || items.ValueKind == JsonValueKind.Null) return;
        if (items.ValueKind != JsonValueKind.Array)
            throw new FormatException($"conftest '{list}' is not a list");
        foreach (var item in items.EnumerateArray())
        {
            var message = item.ValueKind == JsonValueKind.Object ? Text(item, "msg") : null;
            if (string.IsNullOrWhiteSpace(message))
                throw new FormatException($"a conftest entry in '{list}' has no 'msg'");
            var metadata = item.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            into.Add(new PolicyViolation(RuleName(metadata, ns), Source, severity, message, Resources(metadata), 0, PrincipalSet.Anyone));
        }
    }

    /// <summary>The query conftest reports (<c>data.terraform.deny</c>) names the rule best; else the namespace.</summary>
    private static string RuleName(JsonElement metadata, string ns)
    {
        var query = metadata.ValueKind == JsonValueKind.Object ? Text(metadata, "query") : null;
        if (!string.IsNullOrWhiteSpace(query)) return query.StartsWith("data.", StringComparison.Ordinal) ? query[5..] : query;
        return ns.Length == 0 ? "conftest" : ns;
    }

    /// <summary>
    /// Rego rules may return <c>{"msg": ..., "resource": "addr"}</c> or <c>"resources": [...]</c>; conftest then
    /// passes those keys through under <c>metadata.details</c> (older versions) or <c>metadata</c> itself.
    /// </summary>
    private static IReadOnlyList<string> Resources(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object) return [];
        var found = new List<string>();
        Collect(metadata, found);
        if (metadata.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object) Collect(details, found);
        return found.Distinct(StringComparer.Ordinal).ToList();

        static void Collect(JsonElement obj, List<string> into)
        {
            if (Text(obj, "resource") is { Length: > 0 } one) into.Add(one);
            if (obj.TryGetProperty("resources", out var many) && many.ValueKind == JsonValueKind.Array)
                into.AddRange(many.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
        }
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
