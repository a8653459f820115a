using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>Policies: built-in deny with an owner override, OPA through conftest.</summary>
public sealed partial class PullRequestLifecycleTests
{
    [Fact]
    public async Task A_denied_plan_is_applied_only_after_a_policy_owner_overrides()
    {
        const string config = """
            version: 1
            policy_owners: { users: [sec] }
            policies:
              - name: no-deletes
                severity: deny
                actions: [delete]
            """;
        await using var bed = await LifecycleBed.StartAsync("lc_policy");
        var (repo, head) = Repository(bed, config);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "sec", "read");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        var policy = await Eventually.ValueAsync(() => bed.GitHub.Statuses.LastOrDefault(s => s.Context == "terraflow/policy: app"), s => s is not null, what: "policy status");
        Assert.Equal("failure", policy!.State);
        Assert.Contains("no-deletes", policy.Description!);
        // Statuses go out through the outbox, independently of the plan results already in the database.
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Any(s => s.Context == "terraflow/policy: network" && s.State == "success"), ok => ok, what: "network policy status");

        await bed.CommentAsync(Pr, "terraflow approve", "alice");
        await bed.WaitForCommentAsync(Pr, "Approval by @alice recorded");
        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "denied by policy `no-deletes`");

        await bed.CommentAsync(Pr, "terraflow approve-policies -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "not a policy owner");
        await bed.CommentAsync(Pr, "terraflow approve-policies -p app", "sec");
        await bed.WaitForCommentAsync(Pr, "Policy override by @sec");
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Any(s => s.Context == "terraflow/policy: app" && s.State == "success" && s.Description!.Contains("@sec", StringComparison.Ordinal)),
            ok => ok, what: "app policy status after the override");

        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 0), (bed.Applies("app"), bed.Applies("network")));
    }

    [Fact]
    public async Task Opa_policies_run_through_conftest_deny_a_plan_and_show_in_the_comment()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_opa", new Dictionary<string, string> { ["TerraFlow:Runner:ConftestPath"] = RepoPaths.ConftestStandIn });
        // Policies are the base branch's (a pull request cannot edit the rules it is judged by).
        var (repo, head) = Repository(bed, "version: 1\npolicy_paths: [policies]\napply_requirements: [policies_passed]\n",
            baseFiles: new Dictionary<string, string> { ["policies/deletes.rego"] = "package terraform.guard\n\n# standin: deny resource_type=null_resource action=delete msg=\"{address} must not be deleted\"\n" });
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");

        var app = await Eventually.ValueAsync(() => bed.GitHub.Statuses.LastOrDefault(s => s.Context == "terraflow/policy: app"), s => s is not null, what: "app policy status");
        Assert.Equal("failure", app!.State);
        // Statuses go out through the outbox, independently of the plan results already in the database.
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Any(s => s.Context == "terraflow/policy: network" && s.State == "success"), ok => ok, what: "network policy status");
        var comment = await bed.WaitForCommentAsync(Pr, "null_resource.old must not be deleted");
        Assert.Contains("conftest", comment.Body);

        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "denied by policy");
        await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        Assert.Equal((1, 0), (bed.Applies("network"), bed.Applies("app")));
    }
}
