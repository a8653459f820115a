using TerraFlow.Core.Plans;
using static TerraFlow.Core.Tests.Plans.PlanTestSupport;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>
/// Imports (<c>change.importing</c>) and moves (<c>previous_address</c>) are changes even on a no-op entry: Terraform
/// counts "1 to import", lists moves, exits 2 with -detailed-exitcode and writes the state on apply.
/// </summary>
public class PlanReaderImportMoveTests
{
    [Fact]
    public void An_import_only_plan_from_terraform_counts_one_import_and_has_changes()
    {
        var plan = PlanReader.Read(ReadOwnFixture("import-only.json"));

        var imported = Assert.Single(plan.ResourceChanges, c => c.Importing);
        Assert.Equal(("terraform_data.legacy", ChangeAction.NoOp, "legacy-object-7"), (imported.Address, imported.Action, imported.ImportId));
        Assert.False(imported.IsMove);
        // Terraform: "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."
        Assert.Equal(new PlanCounts(0, 0, 0, 0, 0, 0, Import: 1), plan.Counts);
        Assert.True(plan.Counts.HasChanges);
    }

    [Fact]
    public void A_moved_only_plan_from_terraform_is_one_move_and_has_changes()
    {
        var plan = PlanReader.Read(ReadOwnFixture("moved-only.json"));

        var moved = Assert.Single(plan.ResourceChanges, c => c.IsMove);
        Assert.Equal(("terraform_data.web", "terraform_data.frontend", ChangeAction.NoOp),
            (moved.PreviousAddress, moved.Address, moved.Action));
        Assert.False(moved.Importing);
        Assert.Equal(new PlanCounts(0, 0, 0, 0, 0, 0, Move: 1), plan.Counts);
        Assert.True(plan.Counts.HasChanges); // Terraform's -detailed-exitcode is 2 for this plan
    }

    [Fact]
    public void An_import_and_a_move_that_also_update_count_under_both()
    {
        var plan = PlanReader.Read(ReadOwnFixture("import-and-move-with-updates.json"));

        var legacy = Assert.Single(plan.ResourceChanges, c => c.Address == "terraform_data.legacy");
        Assert.Equal((ChangeAction.Update, true, "legacy-object-7"), (legacy.Action, legacy.Importing, legacy.ImportId));
        var frontend = Assert.Single(plan.ResourceChanges, c => c.Address == "terraform_data.frontend");
        Assert.Equal((ChangeAction.Update, "terraform_data.web"), (frontend.Action, frontend.PreviousAddress));
        Assert.Contains(frontend.Diffs, d => d.Path == "input" && d.Before == "\"v1\"" && d.After == "\"v2\"");
        // Terraform: "Plan: 1 to import, 0 to add, 2 to change, 0 to destroy."
        Assert.Equal(new PlanCounts(0, 2, 0, 0, 0, 0, Import: 1, Move: 1), plan.Counts);
    }

    [Fact]
    public void A_plain_no_op_is_still_no_change()
    {
        var plan = PlanReader.Read(ReadOwnFixture("import-only.json"));

        var unchanged = plan.ResourceChanges.Where(c => !c.Importing).ToList();
        Assert.Equal(["terraform_data.db", "terraform_data.web"], unchanged.Select(c => c.Address).Order());
        Assert.All(unchanged, c => Assert.False(c.IsMove || c.Importing));
        Assert.False(PlanCountsCalculator.Count(unchanged).HasChanges);
    }

    [Fact]
    public void An_import_by_identity_has_no_id_but_is_an_import()
    {
        // Terraform 1.12+ can import by resource identity instead of an ID string.
        var plan = ReadText(Plan(Change("""["no-op"]""", """ "before":{"id":"x"},"after":{"id":"x"},"importing":{"identity":{"email":"a@example.com"}}""")));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.True(change.Importing);
        Assert.Null(change.ImportId);
        Assert.Equal(1, plan.Counts.Import);
    }

    [Fact]
    public void Importing_null_is_no_import_and_previous_address_equal_to_address_is_no_move()
    {
        var plan = ReadText(Plan(Change("""["no-op"]""", """ "importing":null""", extra: """ "previous_address":"aws_instance.web",""")));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.False(change.Importing);
        Assert.False(change.IsMove);
        Assert.False(plan.Counts.HasChanges);
    }

    [Theory]
    [InlineData(""" "importing":"yes" """)]
    [InlineData(""" "importing":{"id":7} """)]
    public void A_malformed_importing_is_rejected(string importing)
    {
        var ex = Assert.Throws<PlanFormatException>(() => ReadText(Plan(Change("""["no-op"]""", importing))));

        Assert.Contains("importing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Terraform_json_moved_block_fixture_is_a_move()
    {
        var plan = PlanReader.Read(ReadFixture("terraform-json/testdata/moved_block/plan.json"));

        var moved = Assert.Single(plan.ResourceChanges);
        Assert.Equal(("random_id.test", "random_id.test2", ChangeAction.NoOp), (moved.PreviousAddress, moved.Address, moved.Action));
        Assert.True(plan.Counts.HasChanges);
    }

    [Fact]
    public void Terraform_json_identity_fixture_is_an_import_with_an_update()
    {
        var plan = PlanReader.Read(ReadFixture("terraform-json/testdata/identity/plan.json"));

        var change = Assert.Single(plan.ResourceChanges);
        Assert.Equal((ChangeAction.Update, true, (string?)null), (change.Action, change.Importing, change.ImportId));
        Assert.Equal((1, 1), (plan.Counts.Change, plan.Counts.Import));
    }

    [Theory]
    [InlineData("import-only.json")]
    [InlineData("moved-only.json")]
    [InlineData("import-and-move-with-updates.json")]
    public async Task Streaming_reads_imports_and_moves_the_same(string fixture)
    {
        var bytes = ReadOwnFixture(fixture);

        var streamed = await PlanReader.ReadAsync(new TrickleStream(bytes, seed: 11), CancellationToken.None);

        Assert.Equal(Dump(PlanReader.Read(bytes)), Dump(streamed));
    }
}
