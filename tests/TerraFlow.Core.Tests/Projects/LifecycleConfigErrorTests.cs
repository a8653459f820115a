using TerraFlow.Core.Projects;

namespace TerraFlow.Core.Tests.Projects;

public class LifecycleConfigErrorTests
{
    private static ConfigError ParseError(string yaml)
    {
        var result = RepoConfigParser.Parse(".terraflow.yml", yaml);
        Assert.False(result.IsSuccess, "expected a configuration error");
        return result.Error;
    }

    [Fact]
    public void Unknown_apply_trigger_lists_the_choices_at_its_position()
    {
        var error = ParseError("version: 1\nprojects:\n  - dir: a\n    apply: on_push\n");
        Assert.Equal(".terraflow.yml:4:12: project #1: 'apply' must be one of manual, on_approval, on_merge, found 'on_push'", error.ToString());
    }

    [Fact]
    public void Unknown_requirement_points_at_the_list_item()
    {
        var error = ParseError("version: 1\napply_requirements:\n  - approved\n  - green\n");
        Assert.Equal(4, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Contains("'apply_requirements' must be one of approved, mergeable, undiverged, policies_passed, found 'green'", error.Message);
    }

    [Fact]
    public void Approval_count_must_be_at_least_one()
    {
        var error = ParseError("version: 1\napprovals:\n  count: 0\n");
        Assert.Equal(3, error.Line);
        Assert.Contains("'count' must be at least 1, found 0", error.Message);
    }

    [Fact]
    public void Unknown_keys_inside_approvals_and_policy_owners_are_rejected()
    {
        var approvals = ParseError("version: 1\napprovals: { count: 1, user: [a] }\n");
        Assert.Equal(2, approvals.Line);
        Assert.Contains("unknown key 'user' in 'approvals' in the top level (did you mean 'users'?)", approvals.Message);

        var owners = ParseError("version: 1\nprojects:\n  - dir: a\n    policy_owners:\n      admins: [a]\n");
        Assert.Equal(5, owners.Line);
        Assert.Contains("unknown key 'admins' in 'policy_owners' in project #1", owners.Message);
    }

    [Fact]
    public void Teams_must_be_org_slash_slug_and_users_must_be_logins()
    {
        var team = ParseError("version: 1\napprovals: { teams: [platform] }\n");
        Assert.Contains("team 'platform' must be written org/team-slug", team.Message);
        var user = ParseError("version: 1\napprovals: { users: [org/platform] }\n");
        Assert.Contains("user 'org/platform' is not a login", user.Message);
    }

    [Fact]
    public void Lock_must_be_plan_apply_or_merge()
    {
        var error = ParseError("version: 1\nlock: never\n");
        Assert.Equal(2, error.Line);
        Assert.Contains("'lock' must be one of plan, apply, merge, found 'never'", error.Message);
    }

    [Fact]
    public void Policy_paths_are_validated_like_dirs()
    {
        var error = ParseError("version: 1\nprojects:\n  - dir: a\n    policy_paths: [../outside]\n");
        Assert.Equal(4, error.Line);
        Assert.Equal(20, error.Column);
        Assert.Contains("project #1: policy_paths", error.Message);
        Assert.Contains("outside the repository", error.Message);
    }

    [Fact]
    public void A_rule_needs_exactly_one_check()
    {
        var none = ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n");
        Assert.Equal(3, none.Line);
        Assert.Contains("policy 'r' needs exactly one check: actions, max_changes, required_tags, allowed_values", none.Message);

        var two = ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n    max_changes: 3\n    required_tags: [owner]\n");
        Assert.Equal(6, two.Line);
        Assert.Contains("more than one check (max_changes, required_tags)", two.Message);
    }

    [Fact]
    public void Rule_fields_are_checked()
    {
        Assert.Contains("missing required key 'name'", ParseError("version: 1\npolicies:\n  - severity: deny\n    max_changes: 1\n").Message);
        Assert.Contains("missing required key 'severity'", ParseError("version: 1\npolicies:\n  - name: r\n    max_changes: 1\n").Message);
        Assert.Contains("'severity' must be one of deny, warn, require_approval, found 'block'",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: block\n    max_changes: 1\n").Message);
        Assert.Contains("'actions' must be one of create, update, delete, replace, read, found 'destroy'",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n    actions: [destroy]\n").Message);
        Assert.Contains("'max_changes' must be 0 or more",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n    max_changes: -1\n").Message);
        Assert.Contains("'approvals' only applies to severity require_approval, not warn",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: warn\n    approvals: { count: 2 }\n    max_changes: 1\n").Message);
        Assert.Contains("missing required key 'values'",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n    allowed_values: { attribute: location }\n").Message);
        Assert.Contains("unknown key 'resource_type' in policy #1 in the top level (did you mean 'resource_types'?)",
            ParseError("version: 1\npolicies:\n  - name: r\n    severity: deny\n    max_changes: 1\n    resource_type: [x]\n").Message);
    }

    [Fact]
    public void A_project_policy_may_not_reuse_a_repository_wide_name()
    {
        var error = ParseError("""
            version: 1
            policies:
              - { name: limit, severity: warn, max_changes: 5 }
            projects:
              - dir: a
                policies:
                  - { name: limit, severity: deny, max_changes: 50 }
            """);
        Assert.Equal(7, error.Line);
        Assert.Contains("duplicate policy name 'limit'", error.Message);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Top_level_lifecycle_keys_are_checked_even_when_projects_are_autodiscovered()
    {
        var error = ParseError("version: 1\napply: sometimes\n");
        Assert.Equal(2, error.Line);
    }
}
