using System.Text;
using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>
/// <c>terraform show -json</c> without a plan file prints the state. Read as a plan it would say "No changes" about
/// a plan nobody made, so it is refused with a message that says what the file is.
/// </summary>
public class PlanReaderStateRefusalTests
{
    public static TheoryData<string> ExternalStates() => new(
        "terraform-json/testdata/110_sensitive_values/state.json",
        "terraform-json/testdata/has_checks/state.json",
        "terraform-json/testdata/identity/state.json",
        "terraform-json/testdata/moved_block/show.json",
        "terraform-json/testdata/no_changes/state.json");

    [Fact]
    public void The_state_terraform_writes_after_an_apply_is_refused_as_state()
    {
        var ex = Assert.Throws<PlanFormatException>(() => PlanReader.Read(ReadOwnFixture("state-after-apply.json")));

        Assert.StartsWith("This is Terraform state, not a plan", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"values\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("terraform show -json <planfile>", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExternalStates))]
    public async Task States_from_other_projects_are_refused_read_whole_or_streamed(string fixture)
    {
        var bytes = ReadFixture(fixture);

        var whole = Assert.Throws<PlanFormatException>(() => PlanReader.Read(bytes));
        var streamed = await Assert.ThrowsAsync<PlanFormatException>(() =>
            PlanReader.ReadAsync(new TrickleStream(bytes, seed: 3), CancellationToken.None).AsTask());

        Assert.Contains("Terraform state, not a plan", whole.Message, StringComparison.Ordinal);
        Assert.Equal(whole.Message, streamed.Message);
    }

    [Fact]
    public void An_empty_state_is_refused_as_not_a_plan()
    {
        // Exactly what Terraform v1.11.4 prints for `terraform show -json` in a folder without state.
        var ex = Assert.Throws<PlanFormatException>(() => ReadText("""{"format_version":"1.0"}"""));

        Assert.Contains("none of a plan's keys", ex.Message, StringComparison.Ordinal);
        Assert.Contains("empty Terraform state", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"format_version":"1.2","planned_values":{"root_module":{}}}""")]
    [InlineData("""{"format_version":"1.2","resource_changes":[]}""")]
    [InlineData("""{"format_version":"1.2","values":{},"resource_changes":[]}""")]
    [InlineData("""{"format_version":"1.2","prior_state":{"format_version":"1.0","values":{}}}""")]
    public void A_plan_with_no_changes_is_still_a_plan(string json)
    {
        // A "values" key nested in prior_state (or beside plan keys) does not make a plan a state.
        var plan = PlanReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.False(plan.Counts.HasChanges);
    }

    [Fact]
    public void The_terraform_json_no_changes_plan_is_read()
    {
        var plan = PlanReader.Read(ReadFixture("terraform-json/testdata/no_changes/plan.json"));

        Assert.False(plan.Counts.HasChanges);
    }
}
