using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TerraFlow.Testing.JsonSchema;

/// <summary>
/// A small JSON Schema validator for the keywords the SchemaStore Azure Functions schemas (host.json,
/// local.settings.json) use: type, properties, required, additionalProperties, enum, const, pattern, minLength,
/// minimum, maximum, items (single schema and draft-04 tuple form), uniqueItems, oneOf, anyOf, allOf, not and
/// <c>$ref</c> to <c>#/…</c> pointers inside the same document. No JSON-schema package is restorable here.
/// A keyword it does not know makes it throw <see cref="NotSupportedException"/> instead of being ignored, so a
/// schema that grows a new constraint fails the tests loudly rather than passing silently.
/// </summary>
public sealed class JsonSchemaValidator
{
    // Keywords that only describe or annotate: they never make an instance invalid.
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "id", "title", "description", "default", "examples", "definitions", "$comment",
        "markdownDescription", "deprecationMessage", "deprecated",
    };

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "pattern", "minLength",
        "minimum", "maximum", "items", "additionalItems", "uniqueItems", "oneOf", "anyOf", "allOf", "not", "$ref",
    };

    private readonly JsonNode _root;

    public JsonSchemaValidator(JsonNode schema) => _root = schema;

    public static JsonSchemaValidator Load(string schemaPath) =>
        new(JsonNode.Parse(File.ReadAllText(schemaPath)) ?? throw new InvalidDataException($"{schemaPath} is empty"));

    /// <summary>Every violation as "<c>path: message</c>"; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "$", errors);
        return errors;
    }

    public IReadOnlyList<string> Validate(string json) =>
        Validate(JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }));

    private void Check(JsonNode? schema, JsonNode? value, string path, List<string> errors)
    {
        if (schema is JsonValue boolean && boolean.TryGetValue<bool>(out var allowed))
        {
            if (!allowed) errors.Add($"{path}: no value is allowed here");
            return;
        }
        if (schema is not JsonObject s) throw new NotSupportedException($"schema at {path} is not an object");

        foreach (var (keyword, _) in s)
            if (!Annotations.Contains(keyword) && !Supported.Contains(keyword))
                throw new NotSupportedException($"JSON Schema keyword '{keyword}' (at instance {path}) is not supported by this validator");

        if (s["$ref"] is { } reference)
        {
            // Draft-04/07: $ref replaces the rest of the schema object.
            Check(Resolve(reference.GetValue<string>()), value, path, errors);
            return;
        }
        if (s["type"] is { } type && !MatchesType(type, value))
        {
            errors.Add($"{path}: expected type {type.ToJsonString()}, got {KindName(value)}");
            return; // the other keywords would only repeat the same mistake
        }
        if (s["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            errors.Add($"{path}: {Show(value)} is not one of {options.ToJsonString()}");
        if (s.TryGetPropertyValue("const", out var constant) && !JsonNode.DeepEquals(constant, value))
            errors.Add($"{path}: {Show(value)} is not the constant {Show(constant)}");

        switch (value)
        {
            case JsonObject obj: CheckObject(s, obj, path, errors); break;
            case JsonArray array: CheckArray(s, array, path, errors); break;
            case JsonValue v: CheckScalar(s, v, path, errors); break;
        }
        CheckCombinators(s, value, path, errors);
    }

    private void CheckObject(JsonObject s, JsonObject obj, string path, List<string> errors)
    {
        var properties = s["properties"] as JsonObject;
        if (s["required"] is JsonArray required)
            foreach (var name in required.Select(r => r!.GetValue<string>()))
                if (!obj.ContainsKey(name)) errors.Add($"{path}: required property '{name}' is missing");
        foreach (var (name, child) in obj)
        {
            var childPath = $"{path}.{name}";
            if (properties is not null && properties.TryGetPropertyValue(name, out var propertySchema))
                Check(propertySchema, child, childPath, errors);
            else if (s["additionalProperties"] is { } additional)
            {
                if (additional is JsonValue flag && flag.TryGetValue<bool>(out var allowed))
                {
                    if (!allowed) errors.Add($"{childPath}: property '{name}' is not allowed here");
                }
                else Check(additional, child, childPath, errors);
            }
        }
    }

    private void CheckArray(JsonObject s, JsonArray array, string path, List<string> errors)
    {
        switch (s["items"])
        {
            case JsonArray tuple: // draft-04 tuple form: item i against schema i, the rest against additionalItems
                for (var i = 0; i < array.Count; i++)
                {
                    if (i < tuple.Count) Check(tuple[i], array[i], $"{path}[{i}]", errors);
                    else if (s["additionalItems"] is { } extra) Check(extra, array[i], $"{path}[{i}]", errors);
                }
                break;
            case { } each:
                for (var i = 0; i < array.Count; i++) Check(each, array[i], $"{path}[{i}]", errors);
                break;
        }
        if (s["uniqueItems"]?.GetValue<bool>() == true)
            for (var i = 0; i < array.Count; i++)
                for (var j = i + 1; j < array.Count; j++)
                    if (JsonNode.DeepEquals(array[i], array[j])) errors.Add($"{path}: items {i} and {j} are equal");
    }

    private static void CheckScalar(JsonObject s, JsonValue v, string path, List<string> errors)
    {
        if (v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            if (s["minLength"] is { } min && text.Length < min.GetValue<int>())
                errors.Add($"{path}: \"{text}\" is shorter than {min.GetValue<int>()}");
            if (s["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
                errors.Add($"{path}: \"{text}\" does not match /{pattern.GetValue<string>()}/");
        }
        else if (v.GetValueKind() == JsonValueKind.Number)
        {
            var number = v.GetValue<double>();
            if (s["minimum"] is { } min && number < min.GetValue<double>()) errors.Add($"{path}: {number} < minimum {min}");
            if (s["maximum"] is { } max && number > max.GetValue<double>()) errors.Add($"{path}: {number} > maximum {max}");
        }
    }

    private void CheckCombinators(JsonObject s, JsonNode? value, string path, List<string> errors)
    {
        if (s["allOf"] is JsonArray all)
            foreach (var part in all) Check(part, value, path, errors);
        if (s["anyOf"] is JsonArray any && !any.Any(part => Matches(part, value, path)))
            errors.Add($"{path}: matches none of the anyOf alternatives");
        if (s["oneOf"] is JsonArray one)
        {
            var matching = one.Count(part => Matches(part, value, path));
            if (matching != 1)
                errors.Add($"{path}: must match exactly one oneOf alternative, matches {matching}{(matching == 0 ? WhyNone(one, value, path) : "")}");
        }
        if (s["not"] is { } not && Matches(not, value, path))
            errors.Add($"{path}: {Show(value)} matches a schema it must not match");
    }

    private bool Matches(JsonNode? schema, JsonNode? value, string path)
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors.Count == 0;
    }

    // When no alternative matches, say why each one failed: the one the author meant is among them.
    private string WhyNone(JsonArray alternatives, JsonNode? value, string path)
    {
        var reasons = alternatives.SelectMany(part =>
        {
            var errors = new List<string>();
            Check(part, value, path, errors);
            return errors;
        }).Distinct().ToList();
        return reasons.Count == 0 ? "" : " (" + string.Join("; ", reasons) + ")";
    }

    private JsonNode Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal) && reference != "#")
            throw new NotSupportedException($"$ref '{reference}': only references inside the same schema (#/...) are supported");
        JsonNode? node = _root;
        foreach (var raw in reference.Length > 1 ? reference[2..].Split('/') : [])
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var next) ? next
                : throw new InvalidDataException($"$ref '{reference}' does not resolve (no '{segment}')");
        }
        return node ?? throw new InvalidDataException($"$ref '{reference}' resolves to null");
    }

    private static bool MatchesType(JsonNode type, JsonNode? value) => type switch
    {
        JsonArray types => types.Any(t => MatchesType(t!, value)),
        _ => type.GetValue<string>() switch
        {
            "null" => value is null,
            "object" => value is JsonObject,
            "array" => value is JsonArray,
            "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
            "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsWhole(v.GetValue<double>()),
            var other => throw new NotSupportedException($"JSON Schema type '{other}' is not supported"),
        },
    };

    private static bool IsWhole(double d) => Math.Abs(d % 1) < double.Epsilon;

    private static string KindName(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "unknown",
    };

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";
}
