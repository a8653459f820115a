using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class LifecycleConfigTests
{
    private static RepoConfig Parse(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Config;
    }

    [Fact]
    public void Projects_without_lifecycle_keys_get_the_defaults()
    {
        var project = Parse("version: 1\nprojects:\n  - dir: a\n").Projects.Single();
        Assert.Equal(ApplySettings.Default, project.Apply);
        Assert.Empty(project.Policies);
        Assert.Empty(project.PolicyPaths);
    }

    [Fact]
    public void Top_level_keys_are_defaults_and_project_keys_override_them()
    {
        var config = Parse("""
            version: 1
            apply: on_merge
            apply_requirements: [approved, mergeable]
            approvals: { count: 2, users: ["@alice", bob], teams: [org/platform], codeowners: true, allow_author: true }
            lock: apply
            policy_owners: { users: [carol], teams: [org/security] }
            projects:
              - dir: inherits
              - dir: overrides
                apply: on_approval
                apply_requirements: []
                approvals: { count: 1 }
                lock: merge
                policy_owners: { users: [dave] }
            """);
        var inherits = config.Projects[0].Apply;
        Assert.Equal(ApplyTrigger.OnMerge, inherits.When);
        Assert.Equal([ApplyRequirement.Approved, ApplyRequirement.Mergeable], inherits.Requirements);
        Assert.Equal(2, inherits.Approvals.Count);
        Assert.Equal(["alice", "bob"], inherits.Approvals.Approvers.Users);
        Assert.Equal(["org/platform"], inherits.Approvals.Approvers.Teams);
        Assert.True(inherits.Approvals.CodeOwners);
        Assert.True(inherits.Approvals.AllowAuthor);
        Assert.Equal(LockTiming.Apply, inherits.LockAt);
        Assert.Equal(["carol"], inherits.PolicyOwners.Users);
        Assert.Equal(["org/security"], inherits.PolicyOwners.Teams);
        Assert.Equal(inherits, config.Apply);

        var overrides = config.Projects[1].Apply;
        Assert.Equal(ApplyTrigger.OnApproval, overrides.When);
        Assert.Empty(overrides.Requirements); // an explicit empty list means "no requirements"
        Assert.Equal(new ApprovalRule(1, PrincipalSet.Anyone, false, false), overrides.Approvals);
        Assert.Equal(LockTiming.Merge, overrides.LockAt);
        Assert.Equal(["dave"], overrides.PolicyOwners.Users);
        Assert.Empty(overrides.PolicyOwners.Teams);
    }

    [Fact]
    public void Policies_and_policy_paths_add_up_repository_wide_first()
    {
        var config = Parse("""
            version: 1
            policy_paths: [policies/common]
            policies:
              - name: keep-key-vaults
                severity: deny
                actions: [delete]
                resource_types: ["azurerm_key_vault*"]
            projects:
              - dir: app
                policy_paths: [./app/policies/, policies/common]
                policies:
                  - name: small-changes
                    severity: require_approval
                    approvals: { count: 2, teams: [org/sre] }
                    max_changes: 20
                    addresses: ["module.db.*"]
              - dir: other
            """);
        var app = config.Projects[0];
        Assert.Equal(["keep-key-vaults", "small-changes"], app.Policies.Select(p => p.Name));
        Assert.Equal(["policies/common", "app/policies"], app.PolicyPaths);
        var vaults = app.Policies[0];
        Assert.Equal(PolicySeverity.Deny, vaults.Severity);
        Assert.Equal([PolicyAction.Delete], vaults.Actions);
        Assert.Equal(["azurerm_key_vault*"], vaults.ResourceTypes);
        Assert.Equal(0, vaults.RequiredApprovals);
        var small = app.Policies[1];
        Assert.Equal(PolicyCheckKind.MaxChanges, small.Check);
        Assert.Equal(20, small.MaxChanges);
        Assert.Equal(2, small.RequiredApprovals);
        Assert.Equal(["org/sre"], small.Approvers.Teams);
        Assert.Equal(["module.db.*"], small.Addresses);

        Assert.Equal(["keep-key-vaults"], config.Projects[1].Policies.Select(p => p.Name));
        Assert.Equal(["policies/common"], config.Projects[1].PolicyPaths);
    }

    [Fact]
    public void Required_tags_and_allowed_values_rules_are_read()
    {
        var rules = Parse("""
            version: 1
            policies:
              - name: tags
                severity: warn
                required_tags: [owner, cost_center]
                resource_types: ["azurerm_*"]
              - name: regions
                severity: deny
                allowed_values: { attribute: location, values: [westeurope, northeurope] }
              - name: one-approval
                severity: require_approval
                actions: [replace]
            """).Policies;
        Assert.Equal(["owner", "cost_center"], rules[0].RequiredTags);
        Assert.Equal(PolicySeverity.Warn, rules[0].Severity);
        Assert.Equal(new AllowedValuesCheck("location", ["westeurope", "northeurope"]).Attribute, rules[1].AllowedValues!.Attribute);
        Assert.Equal(["westeurope", "northeurope"], rules[1].AllowedValues!.Values);
        Assert.Equal(1, rules[2].RequiredApprovals); // require_approval without 'approvals' needs one approval from anyone
        Assert.True(rules[2].Approvers.IsEmpty);
    }

    [Fact]
    public void Autodiscovered_projects_get_the_repository_wide_settings()
    {
        var repo = new InMemoryRepositorySnapshot(new Dictionary<string, string>
        {
            [".terraflow.yml"] = """
                version: 1
                apply: on_merge
                policy_paths: [policies]
                policies:
                  - name: no-deletes
                    severity: deny
                    actions: [delete]
                """,
            ["infra/a/main.tf"] = "",
            ["infra/b/main.tf"] = "",
        });
        var result = ProjectDiscovery.Discover(repo);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.True(result.Autodiscovered);
        Assert.Equal(2, result.Projects.Count);
        Assert.All(result.Projects, p =>
        {
            Assert.Equal(ApplyTrigger.OnMerge, p.Apply.When);
            Assert.Equal(["no-deletes"], p.Policies.Select(r => r.Name));
            Assert.Equal(["policies"], p.PolicyPaths);
        });
    }

    [Fact]
    public void Parsed_rules_survive_the_job_transport_json_round_trip()
    {
        // ProjectDefinition travels inside JobSpec as JSON (web defaults, snake_case enums), so rules must round-trip.
        var project = Parse("""
            version: 1
            policies:
              - name: regions
                severity: require_approval
                approvals: { count: 2, users: [alice] }
                allowed_values: { attribute: location, values: [westeurope] }
                resource_types: ["azurerm_*"]
            projects:
              - dir: a
            """).Projects.Single();
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
        };
        var json = System.Text.Json.JsonSerializer.Serialize(project, options);
        var back = System.Text.Json.JsonSerializer.Deserialize<ProjectDefinition>(json, options)!;
        var rule = Assert.Single(back.Policies);
        Assert.Equal(PolicySeverity.RequireApproval, rule.Severity);
        Assert.Equal(2, rule.RequiredApprovals);
        Assert.Equal(["alice"], rule.Approvers.Users);
        Assert.Equal("location", rule.AllowedValues!.Attribute);
        Assert.Equal(["westeurope"], rule.AllowedValues.Values);
        Assert.Equal(["azurerm_*"], rule.ResourceTypes);
        Assert.Equal(PolicyCheckKind.AllowedValues, rule.Check);
    }
}
