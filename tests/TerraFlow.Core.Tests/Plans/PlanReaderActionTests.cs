using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

public class PlanReaderActionTests
{
    [Theory]
    [InlineData("""["no-op"]""", ChangeAction.NoOp)]
    [InlineData("""["create"]""", ChangeAction.Create)]
    [InlineData("""["read"]""", ChangeAction.Read)]
    [InlineData("""["update"]""", ChangeAction.Update)]
    [InlineData("""["delete"]""", ChangeAction.Delete)]
    [InlineData("""["delete","create"]""", ChangeAction.DeleteThenCreate)]
    [InlineData("""["create","delete"]""", ChangeAction.CreateThenDelete)]
    [InlineData("""["forget"]""", ChangeAction.Forget)]
    [InlineData("""["create","forget"]""", ChangeAction.CreateThenForget)]
    [InlineData("""["forget","create"]""", ChangeAction.ForgetThenCreate)]
    public void Maps_every_action_list_terraform_writes(string actions, ChangeAction expected)
    {
        var plan = ReadText(Plan(Change(actions)));

        Assert.Equal(expected, Assert.Single(plan.ResourceChanges).Action);
    }

    [Theory]
    [InlineData("""["delete","create"]""", ChangeAction.DeleteThenCreate)]
    [InlineData("""["create","delete"]""", ChangeAction.CreateThenDelete)]
    public void Replace_in_either_order_is_one_replace_with_attribute_diffs(string actions, ChangeAction expected)
    {
        var plan = ReadText(Plan(Change(actions,
            """ "before":{"ami":"ami-1","id":"i-1"},"after":{"ami":"ami-2"},"after_unknown":{"id":true}""",
            extra: """ "action_reason":"replace_because_cannot_update",""")));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.Equal(expected, change.Action);
        Assert.True(change.IsReplace);
        Assert.Equal("replace_because_cannot_update", change.ActionReason);
        Assert.Equal(new PlanCounts(0, 0, 0, 1, 0, 0), plan.Counts);
        Assert.Equal(
            ["ami: \"ami-1\" -> \"ami-2\"", "id: \"i-1\" -> (known after apply)"],
            change.Diffs.Select(d => $"{d.Path}: {d.Before} -> {d.After}"));
    }

    [Fact]
    public void Forget_is_counted_as_forget_and_not_as_destroy()
    {
        var plan = ReadText(Plan(Change("""["forget"]""", """ "before":{"id":"i-1"},"after":null""")));

        Assert.Equal(ChangeAction.Forget, plan.ResourceChanges[0].Action);
        Assert.Equal(new PlanCounts(0, 0, 0, 0, 0, 1), plan.Counts);
        Assert.True(plan.Counts.HasChanges);
    }

    [Fact]
    public void Create_then_forget_counts_as_a_replace()
    {
        var plan = ReadText(Plan(Change("""["create","forget"]""", """ "before":{"id":"i-1"},"after":{}""")));

        Assert.True(plan.ResourceChanges[0].IsReplace);
        Assert.Equal(1, plan.Counts.Replace);
    }

    [Fact]
    public void Read_of_a_data_source_has_no_diffs_and_no_changes()
    {
        var plan = ReadText(Plan("""
            {"address":"data.aws_ami.ubuntu","mode":"data","type":"aws_ami","name":"ubuntu",
             "change":{"actions":["read"],"before":null,"after":{"owners":["099720109477"]},"after_unknown":{"id":true}},
             "action_reason":"read_because_dependency_pending"}
            """));

        var read = Assert.Single(plan.ResourceChanges);
        Assert.Equal((ChangeAction.Read, "data", "read_because_dependency_pending"), (read.Action, read.Mode, read.ActionReason));
        Assert.Empty(read.Diffs);
        Assert.Equal(1, plan.Counts.Read);
        Assert.False(plan.Counts.HasChanges);
    }

    [Fact]
    public void Counts_a_mixed_plan()
    {
        var plan = ReadText(Plan(string.Join(",",
            Change("""["create"]""", address: "a.one"),
            Change("""["create"]""", address: "a.two"),
            Change("""["update"]""", address: "a.three"),
            Change("""["delete"]""", address: "a.four"),
            Change("""["no-op"]""", address: "a.five"))));

        Assert.Equal(new PlanCounts(2, 1, 1, 0, 0, 0), plan.Counts);
        Assert.Equal(["a.one", "a.two", "a.three", "a.four", "a.five"], plan.ResourceChanges.Select(c => c.Address));
    }

    [Theory]
    [InlineData("""["create","update"]""")]
    [InlineData("""["delete","delete"]""")]
    [InlineData("""["create","delete","create"]""")]
    [InlineData("""["teleport"]""")]
    [InlineData("""[]""")]
    public void Unknown_action_lists_are_rejected_with_the_entry_named(string actions)
    {
        var ex = Assert.Throws<PlanFormatException>(() => ReadText(Plan(Change(actions, address: "aws_s3_bucket.logs"))));

        Assert.Contains("unsupported actions", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resource_changes[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_actions_are_rejected()
    {
        var json = Plan("""{"address":"a.b","mode":"managed","type":"a","name":"b","change":{"before":null}}""");

        var ex = Assert.Throws<PlanFormatException>(() => ReadText(json));
        Assert.Contains("a.b", ex.Message, StringComparison.Ordinal);
    }
}
