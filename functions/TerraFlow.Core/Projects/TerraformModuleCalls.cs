using System.Text.Json;

namespace TerraFlow.Core.Projects;

/// <summary>One <c>module "name" { source = "..." }</c> block found in a Terraform file.</summary>
public sealed record ModuleCall(string Name, string Source)
{
    /// <summary>True for local paths ("./x", "../x"); registry, git and http sources are downloaded, not in the repo.</summary>
    public bool IsLocal => Source.StartsWith("./", StringComparison.Ordinal) || Source.StartsWith("../", StringComparison.Ordinal);
}

/// <summary>Extracts module calls from Terraform source files (native HCL and the JSON syntax).</summary>
public static class TerraformModuleCalls
{
    /// <summary>Module calls of a file, chosen by extension: ".tf.json" / ".tofu.json" use the JSON syntax, anything else HCL.</summary>
    public static IReadOnlyList<ModuleCall> FromFile(string path, string text) =>
        path.EndsWith(".tf.json", StringComparison.Ordinal) || path.EndsWith(".tofu.json", StringComparison.Ordinal) ? FromJson(text) : FromHcl(text);

    /// <summary>
    /// Finds top-level <c>module</c> blocks and their literal <c>source</c> attribute. Tolerates comments, other
    /// attributes and nested blocks; a source that interpolates is skipped since it cannot be resolved statically.
    /// </summary>
    public static IReadOnlyList<ModuleCall> FromHcl(string text)
    {
        var tokens = HclTokenizer.Tokenize(text);
        var calls = new List<ModuleCall>();
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == HclTokenKind.OpenBrace) { depth++; continue; }
            if (token.Kind == HclTokenKind.CloseBrace) { depth = Math.Max(0, depth - 1); continue; }
            if (depth != 0 || token is not { Kind: HclTokenKind.Identifier, Text: "module" }) continue;
            if (i + 2 >= tokens.Count || tokens[i + 2].Kind != HclTokenKind.OpenBrace) continue;
            var label = tokens[i + 1];
            if (label.Kind is not (HclTokenKind.String or HclTokenKind.Identifier) || label.Text is null) continue;

            i = ReadModuleBody(tokens, i + 3, label.Text, calls);
        }
        return calls;
    }

    /// <summary>Reads <c>{"module": {"name": {"source": "..."}}}</c>; arrays of objects are accepted at both levels.</summary>
    public static IReadOnlyList<ModuleCall> FromJson(string text)
    {
        var calls = new List<ModuleCall>();
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("module", out var modules))
            {
                foreach (var moduleSet in ObjectsOf(modules))
                foreach (var module in moduleSet.EnumerateObject())
                foreach (var body in ObjectsOf(module.Value))
                {
                    if (body.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String)
                        calls.Add(new ModuleCall(module.Name, source.GetString()!));
                }
            }
        }
        catch (JsonException)
        {
            // A malformed file is terraform's error to report at plan time; it simply contributes no module calls.
        }
        return calls;
    }

    // Returns the index of the module block's closing brace.
    private static int ReadModuleBody(List<HclToken> tokens, int start, string name, List<ModuleCall> calls)
    {
        var depth = 1;
        string? source = null;
        var i = start;
        for (; i < tokens.Count && depth > 0; i++)
        {
            var token = tokens[i];
            if (token.Kind == HclTokenKind.OpenBrace) depth++;
            else if (token.Kind == HclTokenKind.CloseBrace) depth--;
            else if (depth == 1
                && token is { Kind: HclTokenKind.Identifier, Text: "source" }
                && i + 2 < tokens.Count
                && tokens[i + 1].Kind == HclTokenKind.Equals
                && tokens[i + 2] is { Kind: HclTokenKind.String, Text: not null })
            {
                source ??= tokens[i + 2].Text;
            }
        }
        if (source is not null) calls.Add(new ModuleCall(name, source));
        return i - 1;
    }

    private static IEnumerable<JsonElement> ObjectsOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => [element],
        JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object),
        _ => [],
    };
}
