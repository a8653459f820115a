using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

/// <summary>The head's projects carry the base's rules; only operator-allowed keys come from the head.</summary>
public class RuleMergeTests
{
    private const string BaseSha = "1111111111111111111111111111111111111111";
    private const string HeadSha = "2222222222222222222222222222222222222222";
    private static readonly IReadOnlySet<string> NoOverrides = new HashSet<string>();

    private const string StrictBase = """
        version: 1
        apply: manual
        apply_requirements: [approved, policies_passed]
        approvals: { count: 2, teams: [org/platform] }
        lock: plan
        policy_owners: { users: [sec] }
        policy_paths: [policies]
        policies:
          - name: no-deletes
            severity: deny
            actions: [delete]
        projects:
          - dir: app
          - name: prod
            dir: infra/prod
            approvals: { count: 3, users: [boss] }
        """;

    private const string PermissiveHead = """
        version: 1
        apply: on_approval
        apply_requirements: []
        approvals: { count: 1, allow_author: true }
        lock: merge
        policy_owners: { users: [mallory] }
        projects:
          - dir: app
            when_modified: ["*.tf", "../shared/**"]
            autoplan: false
          - name: renamed
            dir: infra/prod
            depends_on: [app]
          - dir: brand-new
        """;

    private static RepoConfig Parse(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Config;
    }

    private static MergedRules Merge(string? baseYaml, string headYaml, IReadOnlySet<string>? allowed = null) =>
        RuleMerge.Merge(Parse(headYaml).Projects, baseYaml is null ? null : Parse(baseYaml), allowed ?? NoOverrides, BaseSha, HeadSha);

    [Fact]
    public void The_head_shapes_projects_but_every_rule_key_comes_from_the_base()
    {
        var merged = Merge(StrictBase, PermissiveHead);

        Assert.Equal(["app", "renamed", "brand-new"], merged.Projects.Select(p => p.Name));
        var app = merged.Projects[0];
        // Shape: the head's.
        Assert.Equal(["*.tf", "../shared/**"], app.WhenModified);
        Assert.False(app.Autoplan);
        Assert.Equal(["app"], merged.Projects[1].DependsOn);
        // Rules: the base's repository-wide ones.
        Assert.Equal(ApplyTrigger.Manual, app.Apply.When);
        Assert.Equal([ApplyRequirement.Approved, ApplyRequirement.PoliciesPassed], app.Apply.Requirements);
        Assert.Equal(2, app.Apply.Approvals.Count);
        Assert.False(app.Apply.Approvals.AllowAuthor);
        Assert.Equal(["org/platform"], app.Apply.Approvals.Approvers.Teams);
        Assert.Equal(LockTiming.Plan, app.Apply.LockAt);
        Assert.Equal(["sec"], app.Apply.PolicyOwners.Users);
        Assert.Equal(["no-deletes"], app.Policies.Select(p => p.Name));
        Assert.Equal(["policies"], app.PolicyPaths);
        Assert.Equal(BaseSha, app.PolicyCommit);
    }

    [Fact]
    public void A_renamed_project_keeps_the_base_rules_of_its_directory_and_a_new_one_gets_the_repository_wide_rules()
    {
        var merged = Merge(StrictBase, PermissiveHead);
        var renamed = merged.Projects.Single(p => p.Name == "renamed");
        Assert.Equal(3, renamed.Apply.Approvals.Count);
        Assert.Equal(["boss"], renamed.Apply.Approvals.Approvers.Users);
        var brandNew = merged.Projects.Single(p => p.Name == "brand-new");
        Assert.Equal(2, brandNew.Apply.Approvals.Count);
        Assert.Equal(["no-deletes"], brandNew.Policies.Select(p => p.Name));
    }

    [Fact]
    public void Every_differing_rule_key_is_reported_as_ignored_per_project()
    {
        var merged = Merge(StrictBase, PermissiveHead);
        var app = merged.Ignored.Single(i => i.Project == "app");
        Assert.Equal(RuleKeys.All, app.Keys);
    }

    [Fact]
    public void Without_a_base_configuration_the_head_rules_give_way_to_the_defaults()
    {
        var merged = Merge(null, PermissiveHead);
        Assert.All(merged.Projects, p =>
        {
            Assert.Equal(ApplySettings.Default, p.Apply);
            Assert.Empty(p.Policies);
            Assert.Empty(p.PolicyPaths);
        });
        Assert.Contains(RuleKeys.ApplyRequirements, merged.Ignored[0].Keys);
    }

    [Fact]
    public void A_head_that_removes_a_policy_and_the_approval_requirement_is_still_judged_by_them()
    {
        var head = StrictBase.Replace("apply_requirements: [approved, policies_passed]", "apply_requirements: []")
            .Replace("""
                policies:
                  - name: no-deletes
                    severity: deny
                    actions: [delete]

                """, "");
        var merged = Merge(StrictBase, head);
        var app = merged.Projects.Single(p => p.Name == "app");
        Assert.Equal([ApplyRequirement.Approved, ApplyRequirement.PoliciesPassed], app.Apply.Requirements);
        Assert.Equal(PolicySeverity.Deny, app.Policies.Single().Severity);
        Assert.Equal([RuleKeys.ApplyRequirements, RuleKeys.Policies], merged.Ignored.Single(i => i.Project == "app").Keys);
    }

    [Fact]
    public void Identical_rules_report_nothing_and_keep_the_shared_defaults()
    {
        var merged = Merge("version: 1\nprojects:\n  - dir: a\n", "version: 1\nprojects:\n  - dir: a\n  - dir: b\n");
        Assert.Empty(merged.Ignored);
        Assert.All(merged.Projects, p => Assert.Same(ApplySettings.Default, p.Apply));
    }

    [Fact]
    public void Allowed_keys_come_from_the_head_and_only_those()
    {
        var merged = Merge(StrictBase, PermissiveHead, new HashSet<string> { RuleKeys.ApplyRequirements, RuleKeys.PolicyPaths });
        var app = merged.Projects.Single(p => p.Name == "app");
        Assert.Empty(app.Apply.Requirements);
        Assert.Empty(app.PolicyPaths);
        Assert.Equal(HeadSha, app.PolicyCommit);
        // Not allowed: still the base's.
        Assert.Equal(ApplyTrigger.Manual, app.Apply.When);
        Assert.Equal(2, app.Apply.Approvals.Count);
        Assert.Equal(["no-deletes"], app.Policies.Select(p => p.Name));
        var ignored = merged.Ignored.Single(i => i.Project == "app").Keys;
        Assert.DoesNotContain(RuleKeys.ApplyRequirements, ignored);
        Assert.DoesNotContain(RuleKeys.PolicyPaths, ignored);
        Assert.Contains(RuleKeys.Apply, ignored);
    }

    [Theory]
    [InlineData("org/*", "org", "infra", true)]
    [InlineData("org/*", "ORG", "Infra", true)]
    [InlineData("org/*", "other", "infra", false)]
    [InlineData("org/*", "org", "sub/infra", false)]
    [InlineData("org/**", "org", "sub/infra", true)]
    [InlineData("org/infra", "org", "infra-2", false)]
    [InlineData("*/infra", "anyone", "infra", true)]
    public void Allowed_overrides_match_repositories_by_glob(string pattern, string owner, string name, bool matches)
    {
        var options = new RepoConfigOptions { AllowedOverrides = [new AllowedOverride { Repositories = "x/y, " + pattern, Keys = "apply, lock" }] };
        var keys = options.KeysFor(owner, name);
        Assert.Equal(matches ? ["apply", "lock"] : [], keys.Order());
    }

    [Fact]
    public void An_unknown_key_or_an_entry_without_repositories_is_refused()
    {
        var typo = new RepoConfigOptions { AllowedOverrides = [new AllowedOverride { Repositories = "org/*", Keys = "apply_requirement" }] };
        Assert.Contains("'apply_requirement', which is not a rule key", Assert.Throws<ArgumentException>(typo.Validate).Message);
        var shape = new RepoConfigOptions { AllowedOverrides = [new AllowedOverride { Repositories = "org/*", Keys = "dir" }] };
        Assert.Throws<ArgumentException>(shape.Validate);
        var empty = new RepoConfigOptions { AllowedOverrides = [new AllowedOverride { Repositories = " ", Keys = "apply" }] };
        Assert.Throws<ArgumentException>(empty.Validate);
    }

    [Fact]
    public void The_notice_names_changed_rule_files_and_the_ignored_keys_and_is_absent_otherwise()
    {
        string[] codeOwners = [".github/CODEOWNERS", "CODEOWNERS"];
        var notice = RuleChangeNotice.Build(
            [".terraflow.yml", "app/main.tf", "policies/deny.rego", ".github/CODEOWNERS"], codeOwners, ["policies"],
            [new IgnoredRule("app", [RuleKeys.ApplyRequirements, RuleKeys.Policies])], BaseSha);
        Assert.NotNull(notice);
        Assert.Contains("`.terraflow.yml`, `policies/deny.rego`, `.github/CODEOWNERS`", notice);
        Assert.DoesNotContain("app/main.tf", notice);
        Assert.Contains("take effect after merge", notice);
        Assert.Contains("`111111111111`", notice);
        Assert.Contains("Ignored in this run: `apply_requirements`, `policies` of project `app`.", notice);

        Assert.Null(RuleChangeNotice.Build(["app/main.tf"], codeOwners, ["policies"], [], BaseSha));
    }
}
