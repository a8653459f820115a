using System.Text.Json.Nodes;
using TerraFlow.Testing.JsonSchema;

namespace TerraFlow.Integration.Tests.CustomHandler;

/// <summary>
/// The small validator against SchemaStore's own samples (all must pass) and against mistakes it must catch,
/// so that "the generated files are valid" means something.
/// </summary>
public sealed class JsonSchemaValidatorTests
{
    [Fact]
    public void SchemaStore_positive_samples_are_valid()
    {
        var samples = new[] { ("function.json", "function"), ("host.json", "host") }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(FunctionAppFiles.SchemaStore, "test", p.Item2), "*.json").Select(f => (p.Item1, f)))
            .ToList();
        Assert.True(samples.Count >= 20, $"expected SchemaStore's sample files, found {samples.Count}");
        foreach (var (schema, file) in samples)
            FunctionAppFiles.AssertValid(FunctionAppFiles.Schema(schema), file);
    }

    [Theory]
    [InlineData("""{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"everyone"}]}""", "authLevel")]
    [InlineData("""{"bindings":[{"type":"httpTrigger","name":"req"}]}""", "required property 'direction'")]
    [InlineData("""{"bindings":[{"type":"serviceBusTrigger","direction":"out","name":"m","queueName":"q"}]}""", "oneOf")]
    [InlineData("""{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","runOnStartup":"no"}]}""", "boolean")]
    [InlineData("""{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","methods":["fetch"]}]}""", "fetch")]
    [InlineData("""{"bindings":{"type":"http"}}""", "expected type")]
    public void Function_json_mistakes_are_reported(string json, string expected)
    {
        var errors = FunctionAppFiles.Schema("function.json").Validate(json);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"version":"3.0"}""")]
    [InlineData("""{"version":"2.0","customHandler":{"enableForwardingHttpRequests":true}}""")]
    [InlineData("""{"version":"2.0","functionTimeout":"10 minutes"}""")]
    [InlineData("""{"version":"2.0","customHandler":{"description":{"arguments":"TerraFlow.Functions.dll"}}}""")]
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
