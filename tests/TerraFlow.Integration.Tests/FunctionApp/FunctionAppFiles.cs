using System.Text.Json.Nodes;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Testing.JsonSchema;

namespace TerraFlow.Integration.Tests.FunctionApp;

/// <summary>The SchemaStore schemas (shared external fixtures) and the repository's Functions app files.</summary>
internal static class FunctionAppFiles
{
    public static string SchemaStore => Path.Combine(RepoPaths.SharedFixtures, "schemastore", "src");

    public static JsonSchemaValidator Schema(string name)
    {
        var path = Path.Combine(SchemaStore, "schemas", "json", name);
        if (!File.Exists(path)) throw new InvalidOperationException($"SchemaStore schema missing: {path}");
        return JsonSchemaValidator.Load(path);
    }

    public static JsonObject ReadObject(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} is not a JSON object");

    /// <summary>Asserts the file is valid, listing every violation in the failure message.</summary>
    public static void AssertValid(JsonSchemaValidator schema, string path)
    {
        var errors = schema.Validate(File.ReadAllText(path));
        Assert.True(errors.Count == 0, $"{path} does not match its SchemaStore schema:\n" + string.Join("\n", errors));
    }
}
