using System.Text.Json;
using TerraFlow.Core.Plans;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>Every real plan output in the shared fixtures, checked against an independent JsonDocument reading.</summary>
public class PlanReaderFixtureTests
{
    public static TheoryData<string> PlanFixtures() => new(PlanTestSupport.PlanFixturePaths());

    [Fact]
    public void Manifest_lists_the_expected_plan_fixtures()
    {
        var plans = PlanTestSupport.PlanFixturePaths();
        // 22 terraform-json plans (invalid/plan.json is not one) and OpenTofu's errored plan.
        Assert.True(plans.Count >= 20, $"Only {plans.Count} plan fixtures found in MANIFEST.md");
        Assert.Contains("opentofu/internal/command/testdata/show-json/plan-error/output.json", plans);
        Assert.DoesNotContain(plans, p => p.Contains("/invalid/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PlanFixtures))]
    public void Reads_fixture_and_agrees_with_JsonDocument(string fixture)
    {
        byte[] bytes = PlanTestSupport.ReadFixture(fixture);
        var plan = PlanReader.Read(bytes);

        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        Assert.Equal(root.GetProperty("format_version").GetString(), plan.FormatVersion);
        Assert.Equal(root.TryGetProperty("terraform_version", out var tv) ? tv.GetString() : null, plan.TerraformVersion);
        Assert.Equal(root.TryGetProperty("errored", out var errored) && errored.GetBoolean(), plan.Errored);

        AssertSameEntries(root, "resource_changes", plan.ResourceChanges);
        AssertSameEntries(root, "resource_drift", plan.ResourceDrift);

        var expectedOutputs = root.TryGetProperty("output_changes", out var outputs)
            ? outputs.EnumerateObject().Select(o => $"{o.Name}:{JoinActions(o.Value.GetProperty("actions"))}:{IsMarked(o.Value, "before_sensitive") || IsMarked(o.Value, "after_sensitive")}").ToList()
            : [];
        Assert.Equal(expectedOutputs, plan.OutputChanges.Select(o => $"{o.Name}:{ActionText(o.Action)}:{o.Sensitive}").ToList());
    }

    [Theory]
    [MemberData(nameof(PlanFixtures))]
    public async Task Streaming_a_fixture_a_few_bytes_at_a_time_matches_reading_the_span(string fixture)
    {
        byte[] bytes = PlanTestSupport.ReadFixture(fixture);
        string expected = PlanTestSupport.Dump(PlanReader.Read(bytes));

        var streamed = await PlanReader.ReadAsync(new TrickleStream(bytes, seed: fixture.Length), CancellationToken.None);

        Assert.Equal(expected, PlanTestSupport.Dump(streamed));
    }

    [Theory]
    [MemberData(nameof(PlanFixtures))]
    public void Sensitive_diffs_never_carry_a_value(string fixture)
    {
        var plan = PlanReader.Read(PlanTestSupport.ReadFixture(fixture));
        foreach (var diff in plan.ResourceChanges.Concat(plan.ResourceDrift).SelectMany(c => c.Diffs).Where(d => d.Sensitive))
        {
            Assert.True(diff.Before is null or "(sensitive value)" or "(known after apply)", diff.Before);
            Assert.True(diff.After is null or "(sensitive value)" or "(known after apply)", diff.After);
        }
    }

    [Fact]
    public void Fixture_with_a_sensitive_attribute_does_not_leak_it()
    {
        // basic/plan-0.15.json creates test_instance.test with ami = "boop", marked sensitive in after_sensitive.
        var plan = PlanReader.Read(PlanTestSupport.ReadFixture("terraform-json/testdata/basic/plan-0.15.json"));

        var diff = Assert.Single(plan.ResourceChanges.Single().Diffs, d => d.Path == "ami");
        Assert.True(diff.Sensitive);
        Assert.Equal("(sensitive value)", diff.After);
        Assert.DoesNotContain("boop", PlanTestSupport.Dump(plan), StringComparison.Ordinal);
        Assert.True(Assert.Single(plan.OutputChanges).Sensitive);
    }

    [Fact]
    public void Fixture_update_lists_only_changed_attributes()
    {
        // identity/plan.json: age null -> 999 and name null -> "test"; email and id unchanged.
        var plan = PlanReader.Read(PlanTestSupport.ReadFixture("terraform-json/testdata/identity/plan.json"));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Equal(
            ["age: <none> -> 999", "name: <none> -> \"test\""],
            change.Diffs.Select(d => $"{d.Path}: {d.Before ?? "<none>"} -> {d.After}").ToArray());
    }

    [Fact]
    public void Fixture_replace_keeps_action_reason()
    {
        var plan = PlanReader.Read(PlanTestSupport.ReadFixture("terraform-json/testdata/action_reason/plan.json"));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.Equal(ChangeAction.DeleteThenCreate, change.Action);
        Assert.Equal("replace_because_tainted", change.ActionReason);
        Assert.Equal(1, plan.Counts.Replace);
        var id = Assert.Single(change.Diffs);
        Assert.Equal(("id", "\"8868159889619753631\"", "(known after apply)", true), (id.Path, id.Before, id.After, id.KnownAfterApply));
    }

    [Fact]
    public void Intentionally_invalid_fixture_is_rejected()
    {
        byte[] bytes = PlanTestSupport.ReadFixture("terraform-json/testdata/invalid/plan.json");
        var ex = Assert.Throws<PlanFormatException>(() => PlanReader.Read(bytes));
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    private static void AssertSameEntries(JsonElement root, string section, IReadOnlyList<ResourceChange> actual)
    {
        var expected = root.TryGetProperty(section, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];
        Assert.Equal(expected.Select(e => e.GetProperty("address").GetString()), actual.Select(c => c.Address));

        var expectedCounts = expected.GroupBy(e => JoinActions(e.GetProperty("change").GetProperty("actions")))
            .ToDictionary(g => g.Key, g => g.Count());
        var actualCounts = actual.GroupBy(c => ActionText(c.Action)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedCounts.OrderBy(p => p.Key), actualCounts.OrderBy(p => p.Key));

        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            Assert.Equal(e.TryGetProperty("module_address", out var m) ? m.GetString() : null, actual[i].ModuleAddress);
            Assert.Equal(e.GetProperty("mode").GetString(), actual[i].Mode);
            Assert.Equal(e.GetProperty("type").GetString(), actual[i].Type);
            Assert.Equal(e.GetProperty("name").GetString(), actual[i].Name);
            Assert.Equal(e.TryGetProperty("action_reason", out var r) ? r.GetString() : null, actual[i].ActionReason);
        }
    }

    private static string JoinActions(JsonElement actions) => string.Join(",", actions.EnumerateArray().Select(a => a.GetString()));

    private static bool IsMarked(JsonElement change, string property) =>
        change.TryGetProperty(property, out var marker) && marker.GetRawText().Contains("true", StringComparison.Ordinal);

    /// <summary>The test's own mapping back to Terraform's action lists (independent of the reader's).</summary>
    internal static string ActionText(ChangeAction action) => action switch
    {
        ChangeAction.NoOp => "no-op",
        ChangeAction.Create => "create",
        ChangeAction.Read => "read",
        ChangeAction.Update => "update",
        ChangeAction.Delete => "delete",
        ChangeAction.DeleteThenCreate => "delete,create",
        ChangeAction.CreateThenDelete => "create,delete",
        ChangeAction.Forget => "forget",
        ChangeAction.CreateThenForget => "create,forget",
        ChangeAction.ForgetThenCreate => "forget,create",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
