using System.Text.Json.Nodes;
using TerraFlow.Testing.JsonSchema;

namespace TerraFlow.Integration.Tests.FunctionApp;

/// <summary>
/// The small validator against SchemaStore's own samples (all must pass) and against mistakes it must catch,
/// so that "host.json and local.settings.sample.json are valid" means something.
/// </summary>
public sealed class JsonSchemaValidatorTests
{
    [Fact]
    public void SchemaStore_positive_samples_are_valid()
    {
        var samples = Directory.EnumerateFiles(Path.Combine(FunctionAppFiles.SchemaStore, "test", "host"), "*.json").ToList();
        Assert.True(samples.Count >= 3, $"expected SchemaStore's host.json sample files, found {samples.Count}");
        foreach (var file in samples)
            FunctionAppFiles.AssertValid(FunctionAppFiles.Schema("host.json"), file);
    }

    [Theory]
    [InlineData("""{"version":"3.0"}""")]
    [InlineData("""{"version":"2.0","functionTimeout":"10 minutes"}""")]
    [InlineData("""{"version":"2.0","extensions":{"http":{"routePrefix":5}}}""")]
    [InlineData("""{"version":"2.0","logging":{"logLevel":{"default":"Loud"}}}""")]
    public void Host_json_mistakes_are_reported(string json) =>
        Assert.NotEmpty(FunctionAppFiles.Schema("host.json").Validate(json));

    [Fact]
    public void An_unsupported_keyword_fails_loudly_instead_of_passing()
    {
        var schema = new JsonSchemaValidator(JsonNode.Parse("""{"type":"object","patternProperties":{"^x":{"type":"string"}}}""")!);
        var ex = Assert.Throws<NotSupportedException>(() => schema.Validate("""{"x1": 5}"""));
        Assert.Contains("patternProperties", ex.Message);
    }
}
