using System.Text;
using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>Top-level sections, format checks and malformed input.</summary>
public class PlanReaderDocumentTests
{
    [Fact]
    public void Reads_resource_drift_separately_from_changes()
    {
        var plan = ReadText(Plan(
            Change("""["no-op"]""", """ "before":{"size":8},"after":{"size":8}"""),
            """
            "resource_drift":[{"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
              "change":{"actions":["update"],"before":{"size":8,"tags":{"Owner":"ops"}},"after":{"size":16,"tags":{"Owner":"ops"}},
                        "after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}],
            """));

        Assert.Equal(ChangeAction.NoOp, Assert.Single(plan.ResourceChanges).Action);
        var drift = Assert.Single(plan.ResourceDrift);
        Assert.Equal(ChangeAction.Update, drift.Action);
        var diff = Assert.Single(drift.Diffs);
        Assert.Equal(("size", "8", "16"), (diff.Path, diff.Before, diff.After));
        Assert.False(plan.Counts.HasChanges); // drift alone is not a planned change
    }

    [Fact]
    public void Reads_output_changes_with_sensitivity()
    {
        var plan = ReadText(Plan("", """
            "output_changes":{
              "endpoint":{"actions":["create"],"before":null,"after":"https://x","after_unknown":false,"before_sensitive":false,"after_sensitive":false},
              "db_password":{"actions":["update"],"before":"old-pw","after":"new-pw","after_unknown":false,"before_sensitive":true,"after_sensitive":true},
              "nested":{"actions":["delete"],"before":{"a":"b"},"after":null,"before_sensitive":{"a":true},"after_sensitive":false},
              "same":{"actions":["no-op"],"before":1,"after":1}},
            """));

        Assert.Equal(
            ["endpoint:Create:False", "db_password:Update:True", "nested:Delete:True", "same:NoOp:False"],
            plan.OutputChanges.Select(o => $"{o.Name}:{o.Action}:{o.Sensitive}"));
        Assert.DoesNotContain("pw", Dump(plan), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Reads_errored(string value, bool expected)
    {
        var plan = ReadText("""{"format_version":"1.2","errored":""" + value + ""","planned_values":{"root_module":{}}}""");

        Assert.Equal(expected, plan.Errored);
        Assert.Empty(plan.ResourceChanges);
    }

    [Fact]
    public void Errored_defaults_to_false_and_missing_sections_are_empty()
    {
        var plan = ReadText("""{"format_version":"1.0","planned_values":{"root_module":{}}}""");

        Assert.Equal(("1.0", null, false), (plan.FormatVersion, plan.TerraformVersion, plan.Errored));
        Assert.Empty(plan.ResourceChanges);
        Assert.Empty(plan.ResourceDrift);
        Assert.Empty(plan.OutputChanges);
    }

    [Theory]
    [InlineData("0.1")]
    [InlineData("0.2")]
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("1.9")]
    public void Accepts_format_versions_0_and_1(string version)
    {
        Assert.Equal(version, ReadText($$"""{"format_version":"{{version}}","resource_changes":[]}""").FormatVersion);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("10.1")]
    [InlineData("one")]
    [InlineData("")]
    public void Rejects_unsupported_format_versions(string version)
    {
        var ex = Assert.Throws<PlanFormatException>(() => ReadText($$"""{"format_version":"{{version}}","resource_changes":[]}"""));

        Assert.Contains("format_version", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{version}\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_json_without_format_version()
    {
        var ex = Assert.Throws<PlanFormatException>(() => ReadText("""{"resource_changes":[]}"""));
        Assert.Contains("format_version", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"format_version":"1.2",}""")]
    [InlineData("""{"format_version":"1.2","resource_changes":[{"address":"a"]}""")]
    [InlineData("""{"format_version":"1.2"} trailing""")]
    [InlineData("""{"format_version":"1.2","resource_changes":[""")]
    [InlineData("not json")]
    public void Malformed_json_is_a_plan_format_exception(string json)
    {
        Assert.Throws<PlanFormatException>(() => ReadText(json));
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"format_version":1.2}""")]
    [InlineData("""{"format_version":"1.2","resource_changes":{}}""")]
    [InlineData("""{"format_version":"1.2","resource_changes":[1]}""")]
    [InlineData("""{"format_version":"1.2","output_changes":[]}""")]
    [InlineData("""{"format_version":"1.2","errored":"yes"}""")]
    [InlineData("""{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","type":"a","change":{"actions":["create"]}}]}""")]
    public void Json_that_is_not_shaped_like_a_plan_is_rejected(string json)
    {
        Assert.Throws<PlanFormatException>(() => ReadText(json));
    }

    [Fact]
    public async Task A_leading_byte_order_mark_is_accepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"format_version":"1.0","errored":true}""")];

        Assert.True(PlanReader.Read(bytes).Errored);
        Assert.True((await PlanReader.ReadAsync(new TrickleStream(bytes, 5), CancellationToken.None)).Errored);
    }

    [Fact]
    public async Task Malformed_json_is_rejected_when_streaming_too()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"format_version":"1.2","prior_state":{"values":[1,2,}}""");

        await Assert.ThrowsAsync<PlanFormatException>(
            () => PlanReader.ReadAsync(new TrickleStream(bytes, 1), CancellationToken.None).AsTask());
    }

    [Fact]
    public void Skips_sections_it_does_not_use_whatever_they_contain()
    {
        var plan = ReadText(Plan(Change("""["create"]""", """ "before":null,"after":{"x":1}"""), """
            "prior_state":{"values":{"root_module":{"resources":[{"address":"resource_changes","values":{"format_version":"9.9"}}]}}},
            "configuration":{"root_module":{"outputs":{"resource_changes":{"expression":[[[{}]]]}}}},
            "planned_values":null,"relevant_attributes":[],"timestamp":"2024-01-01T00:00:00Z","complete":true,
            """));

        Assert.Equal("1.2", plan.FormatVersion);
        Assert.Single(plan.ResourceChanges);
    }
}
