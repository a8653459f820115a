using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Tests.Plans;

namespace TerraFlow.Core.Tests.Policies;

/// <summary>Built-in rules over real plans written by Terraform and OpenTofu (shared/fixtures/external).</summary>
public class PolicyFixtureTests
{
    private static PolicyRule Rule(string name) => new(name, PolicySeverity.Deny, 0, PrincipalSet.Anyone);

    [Fact]
    public void Every_real_plan_is_readable_by_the_evaluator()
    {
        var rule = Rule("limit") with { MaxChanges = 1000 };
        var plans = PlanTestSupport.PlanFixturePaths();
        Assert.NotEmpty(plans);
        foreach (var path in plans)
        {
            var outcome = PolicyEvaluator.Evaluate([rule], PlanTestSupport.ReadFixture(path));
            Assert.True(outcome.Error is null, $"{path}: {outcome.Error}");
            Assert.Empty(outcome.Violations);
        }
    }

    [Fact]
    public void Creates_in_a_module_and_with_count_are_matched_by_address_glob()
    {
        var plan = PlanTestSupport.ReadFixture("terraform-json/testdata/110_basic/plan.json");
        var module = Rule("no-module-creates") with { Actions = [PolicyAction.Create], Addresses = ["module.foo.*"] };
        Assert.Equal(["module.foo.null_resource.aliased", "module.foo.null_resource.foo"],
            PolicyEvaluator.Evaluate([module], plan).Violations.Single().Resources);

        var counted = Rule("max") with { MaxChanges = 2, Addresses = ["null_resource.baz*"] };
        Assert.Equal(["null_resource.baz[0]", "null_resource.baz[1]", "null_resource.baz[2]"],
            PolicyEvaluator.Evaluate([counted], plan).Violations.Single().Resources);
    }

    [Fact]
    public void A_real_replacement_counts_as_delete_and_create()
    {
        var plan = PlanTestSupport.ReadFixture("terraform-json/testdata/action_reason/plan.json");
        foreach (var action in new[] { PolicyAction.Delete, PolicyAction.Create, PolicyAction.Replace })
        {
            var rule = Rule("r") with { Actions = [action], ResourceTypes = ["null_*"] };
            Assert.Equal(["null_resource.example"], PolicyEvaluator.Evaluate([rule], plan).Violations.Single().Resources);
        }
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate([Rule("u") with { Actions = [PolicyAction.Update] }], plan));
    }

    [Fact]
    public void Data_source_reads_and_updates_are_seen_in_real_plans()
    {
        var basic = PlanTestSupport.ReadFixture("terraform-json/testdata/basic/plan.json");
        var read = Rule("reads") with { Actions = [PolicyAction.Read] };
        Assert.Equal(["data.null_data_source.baz"], PolicyEvaluator.Evaluate([read], basic).Violations.Single().Resources);

        var identity = PlanTestSupport.ReadFixture("terraform-json/testdata/identity/plan.json");
        var names = Rule("names") with { AllowedValues = new AllowedValuesCheck("name", ["nobody"]) };
        var violation = PolicyEvaluator.Evaluate([names], identity).Violations.Single();
        Assert.Equal(["corner_user_identity.user"], violation.Resources);
    }

    [Fact]
    public void The_errored_opentofu_plan_without_changes_passes_every_rule()
    {
        var plan = PlanTestSupport.ReadFixture("opentofu/internal/command/testdata/show-json/plan-error/output.json");
        var rules = new[]
        {
            Rule("a") with { Actions = [PolicyAction.Delete] },
            Rule("b") with { MaxChanges = 0 },
            Rule("c") with { RequiredTags = ["owner"] },
        };
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate(rules, plan));
    }
}
