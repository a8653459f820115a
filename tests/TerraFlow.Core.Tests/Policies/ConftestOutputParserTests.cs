using TerraFlow.Core.Policies;

namespace TerraFlow.Core.Tests.Policies;

public class ConftestOutputParserTests
{
    [Fact]
    public void Failures_deny_warnings_warn_and_exceptions_are_not_violations()
    {
        var violations = ConftestOutputParser.Parse("""
            [
              {
                "filename": "plan.json",
                "namespace": "terraform.azure",
                "successes": 3,
                "failures": [
                  { "msg": "key vaults must not be deleted", "metadata": { "query": "data.terraform.azure.deny", "resource": "azurerm_key_vault.main" } }
                ],
                "warnings": [
                  { "msg": "storage without tags", "metadata": { "query": "data.terraform.azure.warn", "details": { "resources": ["a.b", "c.d"] } } }
                ],
                "exceptions": [
                  { "msg": "excused", "metadata": { "query": "data.terraform.azure.deny" } }
                ]
              },
              { "filename": "plan.json", "namespace": "main", "successes": 1 }
            ]
            """);
        Assert.Equal(2, violations.Count);
        var deny = violations[0];
        Assert.Equal(("terraform.azure.deny", "conftest", PolicySeverity.Deny, "key vaults must not be deleted"), (deny.Rule, deny.Source, deny.Severity, deny.Message));
        Assert.Equal(["azurerm_key_vault.main"], deny.Resources);
        Assert.Equal(0, deny.RequiredApprovals);
        Assert.True(deny.Approvers.IsEmpty);
        var warn = violations[1];
        Assert.Equal(PolicySeverity.Warn, warn.Severity);
        Assert.Equal(["a.b", "c.d"], warn.Resources);
    }

    [Fact]
    public void Without_a_query_the_namespace_names_the_rule()
    {
        var violation = ConftestOutputParser.Parse("""[{"filename":"p.json","namespace":"main","successes":0,"failures":[{"msg":"no"}]}]""").Single();
        Assert.Equal("main", violation.Rule);
        Assert.Empty(violation.Resources);
    }

    [Fact]
    public void All_passing_output_has_no_violations()
    {
        Assert.Empty(ConftestOutputParser.Parse("""[{"filename":"p.json","namespace":"main","successes":4}]"""));
        Assert.Empty(ConftestOutputParser.Parse("[]"));
    }

    [Theory]
    [InlineData("Error: running test: load: loading policies: no policies found in [policy]")]
    [InlineData("{\"filename\": \"p.json\"}")]
    [InlineData("[{\"failures\": [{\"metadata\": {}}]}]")]
    [InlineData("[{\"failures\": \"oops\"}]")]
    public void Anything_else_is_a_format_error(string output) =>
        Assert.Throws<FormatException>(() => ConftestOutputParser.Parse(output));

    [Fact]
    public void Combine_keeps_order_and_any_error_denies()
    {
        var a = new PolicyOutcome([new PolicyViolation("a", "terraflow", PolicySeverity.Warn, "m", [], 0, TerraFlow.Core.Projects.PrincipalSet.Anyone)], null);
        var b = new PolicyOutcome([], "conftest failed");
        Assert.Same(PolicyOutcome.Passed, PolicyOutcomes.Combine(PolicyOutcome.Passed, PolicyOutcome.Passed));
        var combined = PolicyOutcomes.Combine(a, b);
        Assert.Equal(["a"], combined.Violations.Select(v => v.Rule));
        Assert.True(combined.Denied);
        Assert.Equal("conftest failed", combined.Error);
    }
}
