using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using static TerraFlow.Core.Tests.Policies.PlanJson;

namespace TerraFlow.Core.Tests.Policies;

public class PolicyEvaluatorTests
{
    private static readonly byte[] KeyVaultPlan = Plan(
        Change("azurerm_key_vault.main", "azurerm_key_vault", ["delete"]),
        Change("module.secrets.azurerm_key_vault_secret.db", "azurerm_key_vault_secret", ["delete", "create"]),
        Change("azurerm_resource_group.rg", "azurerm_resource_group", ["update"]),
        Change("azurerm_storage_account.logs", "azurerm_storage_account", ["no-op"]));

    private static PolicyRule Rule(string name = "r", PolicySeverity severity = PolicySeverity.Deny) =>
        new(name, severity, 0, PrincipalSet.Anyone);

    [Fact]
    public void No_rules_pass_without_reading_the_plan()
    {
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate([], "not json"u8.ToArray()));
    }

    [Fact]
    public void Deleting_key_vaults_is_denied_and_a_replacement_counts_as_a_delete()
    {
        var rule = Rule("keep-key-vaults") with { Actions = [PolicyAction.Delete], ResourceTypes = ["azurerm_key_vault*"] };
        var outcome = PolicyEvaluator.Evaluate([rule], KeyVaultPlan);
        Assert.True(outcome.Denied);
        var violation = Assert.Single(outcome.Violations);
        Assert.Equal("keep-key-vaults", violation.Rule);
        Assert.Equal("terraflow", violation.Source);
        Assert.Equal(PolicySeverity.Deny, violation.Severity);
        Assert.Equal(["azurerm_key_vault.main", "module.secrets.azurerm_key_vault_secret.db"], violation.Resources);
        Assert.Equal("2 resources would be deleted (of type azurerm_key_vault*): azurerm_key_vault.main, module.secrets.azurerm_key_vault_secret.db", violation.Message);
        Assert.Equal(0, violation.RequiredApprovals);
        Assert.True(violation.Approvers.IsEmpty);
    }

    [Fact]
    public void Address_globs_and_replace_only_rules_match_exactly_what_they_name()
    {
        var replace = Rule() with { Actions = [PolicyAction.Replace], Addresses = ["module.secrets.*"] };
        Assert.Equal(["module.secrets.azurerm_key_vault_secret.db"], PolicyEvaluator.Evaluate([replace], KeyVaultPlan).Violations.Single().Resources);

        var replaceElsewhere = Rule() with { Actions = [PolicyAction.Replace], Addresses = ["module.db.*"] };
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate([replaceElsewhere], KeyVaultPlan));

        var updates = Rule() with { Actions = [PolicyAction.Update, PolicyAction.Create] };
        Assert.Equal(["module.secrets.azurerm_key_vault_secret.db", "azurerm_resource_group.rg"],
            PolicyEvaluator.Evaluate([updates], KeyVaultPlan).Violations.Single().Resources);
    }

    [Fact]
    public void Require_approval_carries_its_count_and_approvers_and_warn_does_not_deny()
    {
        var approvers = new PrincipalSet(["alice"], ["org/security"]);
        var approval = new PolicyRule("vault-change", PolicySeverity.RequireApproval, 2, approvers) { Actions = [PolicyAction.Delete] };
        var warn = Rule("fyi", PolicySeverity.Warn) with { MaxChanges = 1 };
        var outcome = PolicyEvaluator.Evaluate([approval, warn], KeyVaultPlan);
        Assert.False(outcome.Denied);
        Assert.Equal(["vault-change", "fyi"], outcome.Violations.Select(v => v.Rule));
        var needed = Assert.Single(outcome.ApprovalRules);
        Assert.Equal(2, needed.RequiredApprovals);
        Assert.Equal(approvers, needed.Approvers);
        Assert.Equal(PrincipalSet.Anyone, outcome.Violations[1].Approvers);
    }

    [Fact]
    public void Max_changes_counts_created_updated_deleted_and_replaced_resources_but_not_no_ops()
    {
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate([Rule() with { MaxChanges = 3 }], KeyVaultPlan));
        var violation = PolicyEvaluator.Evaluate([Rule() with { MaxChanges = 2 }], KeyVaultPlan).Violations.Single();
        Assert.Equal(3, violation.Resources.Count);
        Assert.Equal("the plan changes 3 resources; at most 2 are allowed", violation.Message);
    }

    [Fact]
    public void Required_tags_look_at_created_resources_that_have_tags()
    {
        var plan = Plan(
            Change("azurerm_resource_group.tagged", "azurerm_resource_group", ["create"],
                Obj(("location", "westeurope"), ("tags", Obj(("owner", "team-a"), ("cost_center", "42"))))),
            Change("azurerm_resource_group.partly", "azurerm_resource_group", ["create"],
                Obj(("tags", Obj(("owner", "team-a"))))),
            Change("azurerm_resource_group.null_tags", "azurerm_resource_group", ["create"], Obj(("tags", null))),
            Change("azurerm_resource_group.unknown_tags", "azurerm_resource_group", ["create"], Obj(), Obj(("tags", true))),
            Change("aws_s3_bucket.default_tags", "aws_s3_bucket", ["create"],
                Obj(("tags", Obj(("owner", "x"))), ("tags_all", Obj(("owner", "x"), ("cost_center", "7"))))),
            Change("random_id.no_tags_attribute", "random_id", ["create"], Obj(("byte_length", 8))),
            Change("azurerm_resource_group.updated", "azurerm_resource_group", ["update"], Obj(("tags", Obj()))));
        var rule = Rule(severity: PolicySeverity.Warn) with { RequiredTags = ["owner", "cost_center"] };
        var violation = PolicyEvaluator.Evaluate([rule], plan).Violations.Single();
        Assert.Equal(["azurerm_resource_group.partly", "azurerm_resource_group.null_tags"], violation.Resources);
        Assert.Contains("azurerm_resource_group.partly lacks cost_center", violation.Message);
        Assert.Contains("azurerm_resource_group.null_tags lacks owner, cost_center", violation.Message);

        var onlyAws = rule with { ResourceTypes = ["aws_*"] };
        Assert.Same(PolicyOutcome.Passed, PolicyEvaluator.Evaluate([onlyAws], plan));
    }

    [Fact]
    public void Allowed_values_skip_unknown_and_unset_values_and_hide_sensitive_ones()
    {
        var plan = Plan(
            Change("azurerm_resource_group.ok", "azurerm_resource_group", ["create"], Obj(("location", "westeurope"))),
            Change("azurerm_resource_group.bad", "azurerm_resource_group", ["update"], Obj(("location", "eastus"))),
            Change("azurerm_resource_group.secret", "azurerm_resource_group", ["create"], Obj(("location", "centralus")), null, Obj(("location", true))),
            Change("azurerm_resource_group.unknown", "azurerm_resource_group", ["create"], Obj(), Obj(("location", true))),
            Change("azurerm_resource_group.unset", "azurerm_resource_group", ["create"], Obj(("location", null))),
            Change("azurerm_resource_group.deleted", "azurerm_resource_group", ["delete"]),
            Change("azurerm_app_service.nested", "azurerm_app_service", ["create"],
                Obj(("location", "westeurope"), ("site_config", Obj(("min_tls_version", "1.0"))))));
        var location = Rule() with { AllowedValues = new AllowedValuesCheck("location", ["westeurope", "northeurope"]) };
        var violation = PolicyEvaluator.Evaluate([location], plan).Violations.Single();
        Assert.Equal(["azurerm_resource_group.bad", "azurerm_resource_group.secret"], violation.Resources);
        Assert.Contains("azurerm_resource_group.bad = 'eastus'", violation.Message);
        Assert.Contains("azurerm_resource_group.secret = (sensitive value)", violation.Message);
        Assert.DoesNotContain("centralus", violation.Message);

        var tls = Rule() with { AllowedValues = new AllowedValuesCheck("site_config.min_tls_version", ["1.2"]) };
        Assert.Equal(["azurerm_app_service.nested"], PolicyEvaluator.Evaluate([tls], plan).Violations.Single().Resources);
    }

    [Fact]
    public void An_unreadable_plan_is_an_error_that_denies()
    {
        var rule = Rule() with { MaxChanges = 1 };
        var outcome = PolicyEvaluator.Evaluate([rule], "{\"resource_changes\": [ {"u8.ToArray());
        Assert.True(outcome.Denied);
        Assert.StartsWith("The plan JSON could not be read", outcome.Error);

        var notAPlan = PolicyEvaluator.Evaluate([rule], "{\"resource_changes\": [ {\"type\": \"x\"} ]}"u8.ToArray());
        Assert.Contains("has no 'address'", notAPlan.Error);
    }

    [Fact]
    public async Task Streams_give_the_same_result_as_bytes()
    {
        var rule = Rule() with { Actions = [PolicyAction.Delete], ResourceTypes = ["azurerm_key_vault"] };
        using var stream = new MemoryStream(KeyVaultPlan);
        var outcome = await PolicyEvaluator.EvaluateAsync([rule], stream, CancellationToken.None);
        Assert.Equal(["azurerm_key_vault.main"], outcome.Violations.Single().Resources);
    }
}
