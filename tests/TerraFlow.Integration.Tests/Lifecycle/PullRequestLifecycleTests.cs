using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// Whole pull requests from webhook to applied and merged: approval, apply exactly once, policy deny and override,
/// two pull requests on one project (lock queue, automatic re-plan), depends_on ordering with a failing dependency.
/// </summary>
public sealed class PullRequestLifecycleTests
{
    private const int Pr = 7;

    /// <summary>The two-project repository with every project's applies counted by the bed.</summary>
    private static (TwoProjectRepo Repo, string Head) Repository(LifecycleBed bed, string? config = null, string networkBehavior = "", string appBehavior = "")
    {
        var repo = new TwoProjectRepo(config);
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network", networkBehavior))
                .Write("app/.standin/behavior.json", bed.Behavior("app", appBehavior));
        return (repo, repo.Git.Commit("count applies"));
    }

    [Fact]
    public async Task Approve_by_review_then_apply_applies_each_plan_once_and_merge_releases_the_locks()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_happy");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "octocat", "admin");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, author: "octocat");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        Assert.Equal(2, await bed.ScalarAsync($"select count(*) from project_locks where pr_number = {Pr}"));

        await bed.CommentAsync(Pr, "terraflow apply", "alice");
        await bed.WaitForCommentAsync(Pr, "needs 1 more approval");

        // The author's own approving review does not count; a writer's does.
        await bed.ReviewAsync(Pr, "octocat", head);
        await bed.ReviewAsync(Pr, "alice", head);
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");

        await bed.CommentAsync(Pr, "terraflow apply", "alice", deliveryId: "apply-1");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Count(s => s.Context.StartsWith("terraflow/apply: ", StringComparison.Ordinal) && s.State == "success"),
            n => n == 2, what: "two apply success statuses");
        var comment = await bed.WaitForCommentAsync(Pr, "applied");
        Assert.DoesNotContain("[Approve]", comment.Body);

        // A redelivered command does nothing; a new one is refused: a plan is applied only once.
        var duplicate = await bed.CommentAsync(Pr, "terraflow apply", "alice", deliveryId: "apply-1");
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
        await bed.WaitForCommentAsync(Pr, "applied only once");
        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(2, await bed.ScalarAsync("select count(*) from applies"));

        await bed.CloseAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, merged: true);
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from project_locks"), n => n == 0, what: "locks released on merge");
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and status = 'closed' and merged"));
        var runId = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");
        using var http = new HttpClient();
        var events = await http.GetStringAsync($"{bed.Host.BaseUrl}/api/runs/{runId}/events");
        foreach (var action in new[] { "\"approved\"", "\"apply-started\"", "\"applied\"", "\"merged\"", "\"refused\"" })
            Assert.Contains(action, events);
    }

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
        Assert.Contains(bed.GitHub.Statuses, s => s.Context == "terraflow/policy: network" && s.State == "success");

        await bed.CommentAsync(Pr, "terraflow approve", "alice");
        await bed.WaitForCommentAsync(Pr, "Approval by @alice recorded");
        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "denied by policy `no-deletes`");

        await bed.CommentAsync(Pr, "terraflow approve-policies -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "not a policy owner");
        await bed.CommentAsync(Pr, "terraflow approve-policies -p app", "sec");
        await bed.WaitForCommentAsync(Pr, "Policy override by @sec");
        Assert.Contains(bed.GitHub.Statuses, s => s.Context == "terraflow/policy: app" && s.State == "success" && s.Description!.Contains("@sec", StringComparison.Ordinal));

        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 0), (bed.Applies("app"), bed.Applies("network")));
    }

    [Fact]
    public async Task A_second_pull_request_on_a_locked_project_waits_in_the_queue_and_is_replanned_when_the_lock_frees()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_queue");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");

        // Pull request #8 branches from main and changes network only.
        repo.Git.Git("checkout", "-q", repo.BaseSha);
        repo.Git.Checkout("second", create: true);
        repo.Git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"firewall\" {}\n")
                .Write("network/.standin/behavior.json", bed.Behavior("network"));
        var second = repo.Git.Commit("second change to network");
        await bed.OpenAsync(8, second, repo.BaseSha, repo.Git.CloneUrl);

        await bed.WaitForProjectStatusAsync(8, "network", "waiting_for_lock");
        var waiting = await bed.WaitForCommentAsync(8, "#7");
        Assert.Contains("queue", waiting.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(bed.GitHub.Statuses, s => s.Sha == second && s.Context == "terraflow/plan: network" && s.State == "pending" && s.Description!.Contains("#7", StringComparison.Ordinal));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from lock_queue where pr_number = 8"));

        // #7 is closed without merging: its locks go to #8, which is planned again without anyone asking.
        await bed.CloseAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, merged: false);
        await bed.WaitForProjectStatusAsync(8, "network", "planned");
        Assert.Equal(8, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from lock_queue"));
        Assert.Equal(2, await bed.ScalarAsync("select count(*) from runs where pr_number = 8"));
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Any(s => s.Sha == second && s.Context == "terraflow/plan: network" && s.State == "success"), ok => ok, what: "#8 planned");
    }

    [Fact]
    public async Task Depends_on_applies_in_order_and_a_failing_dependency_stops_its_dependent()
    {
        const string config = """
            version: 1
            apply_requirements: []
            projects:
              - name: network
                dir: network
              - name: app
                dir: app
                depends_on: [network]
            """;
        await using var bed = await LifecycleBed.StartAsync("lc_depends");
        var (repo, head) = Repository(bed, config, networkBehavior: "\"apply_exit\": 1, \"apply_stderr\": \"Error: creating vnet: quota exceeded\"");
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        await bed.CommentAsync(Pr, "terraflow apply", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "apply_failed");
        await bed.WaitForProjectStatusAsync(Pr, "app", "apply_blocked");
        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'")); // app never got a job
        await bed.WaitForCommentAsync(Pr, "quota exceeded");

        // Fixed: a new push, a new plan, and this time both apply, network first.
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network"));
        var fixedHead = repo.Git.Commit("fix quota");
        bed.GitHub.UpdatePullRequest(bed.GitHub.PullRequest(Owner, Repo, Pr)! with { HeadSha = fixedHead });
        await bed.SendAsync("pull_request", GitHubWebhooks.PullRequest(new(Owner, Repo, Pr, fixedHead, repo.BaseSha, repo.Git.CloneUrl, "synchronize")));
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and status = 'planned' and head_sha = '{fixedHead}'"), n => n == 1, what: "re-planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.CommentAsync(Pr, "terraflow apply", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(1, await bed.ScalarAsync("""
            select count(*) from jobs a join jobs n on n.run_id = a.run_id
            where a.kind = 'apply' and n.kind = 'apply' and a.project_name = 'app' and n.project_name = 'network' and a.created_at >= n.finished_at
            """));
    }

    [Fact]
    public async Task On_merge_projects_apply_when_the_pull_request_is_merged_and_keep_their_locks_until_then()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_on_merge");
        var (repo, head) = Repository(bed, "version: 1\napply: on_merge\n");
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.ReviewAsync(Pr, "alice", head);
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");
        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));

        await bed.CloseAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, merged: true);
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from project_locks"), n => n == 0, what: "locks released after the on-merge applies");

        var runId = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");
        using var http = new HttpClient();
        var run = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"{bed.Host.BaseUrl}/api/runs/{runId}")).RootElement;
        Assert.True(run.GetProperty("merged").GetBoolean());
        var network = run.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "network");
        Assert.Equal("alice", network.GetProperty("approvals")[0].GetProperty("user").GetString());
        Assert.Equal(network.GetProperty("planSha256").GetString(), network.GetProperty("apply").GetProperty("planSha256").GetString());
    }

    [Fact]
    public async Task Merging_with_unapplied_plans_warns_and_releases_the_locks()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_merge_warn");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        await bed.CloseAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, merged: true);

        var warning = await bed.WaitForCommentAsync(Pr, "merged, but these projects were not applied");
        Assert.Contains("`network`", warning.Body);
        Assert.Contains("`app`", warning.Body);
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from project_locks"), n => n == 0, what: "locks released on merge");
        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));
    }

    [Fact]
    public async Task Two_pull_requests_opened_at_once_on_one_project_get_one_lock_and_one_queue_place()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_lock_race");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        repo.Git.Git("checkout", "-q", repo.BaseSha);
        repo.Git.Checkout("second", create: true);
        repo.Git.Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"firewall\" {}\n");
        var second = repo.Git.Commit("second change to network");

        await Task.WhenAll(bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl), bed.OpenAsync(8, second, repo.BaseSha, repo.Git.CloneUrl));

        var statuses = await Eventually.ValueAsync(async () => new[] { await bed.ProjectStatusAsync(Pr, "network"), await bed.ProjectStatusAsync(8, "network") },
            s => s.All(x => x is "planned" or "waiting_for_lock"), what: "both pull requests decided");
        Assert.Equal(["planned", "waiting_for_lock"], statuses.Order());
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from project_locks where lock_key = 'network::default'"));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from lock_queue where lock_key = 'network::default'"));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from jobs where kind = 'plan' and project_name = 'network'"));
    }

    [Fact]
    public async Task Unlock_hands_the_lock_to_the_next_pull_request_and_on_approval_applies_right_after_the_approval()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_unlock");
        var (repo, head) = Repository(bed, "version: 1\napply: on_approval\n");
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "rita", "read");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");

        repo.Git.Git("checkout", "-q", repo.BaseSha);
        repo.Git.Checkout("second", create: true);
        repo.Git.Write(".terraflow.yml", "version: 1\napply: on_approval\n")
                .Write("network/main.tf", "resource \"null_resource\" \"vnet\" {}\nresource \"null_resource\" \"firewall\" {}\n")
                .Write("network/.standin/behavior.json", bed.Behavior("network"));
        var second = repo.Git.Commit("second change to network");
        await bed.OpenAsync(8, second, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(8, "network", "waiting_for_lock");

        // A reader may not unlock; a writer may, and #8 gets the lock and its plan.
        await bed.CommentAsync(Pr, "terraflow unlock", "rita");
        await bed.WaitForCommentAsync(Pr, "needs write permission");
        await bed.CommentAsync(Pr, "terraflow unlock -p network", "alice");
        await bed.WaitForCommentAsync(Pr, "released the lock of `network`");
        await bed.WaitForProjectStatusAsync(8, "network", "planned");
        Assert.Equal(8, await bed.ScalarAsync("select pr_number from project_locks where lock_key = 'network::default'"));

        // apply: on_approval: the approval alone starts the apply.
        await bed.CommentAsync(8, "terraflow approve", "alice");
        await bed.WaitForProjectStatusAsync(8, "network", "applied");
        Assert.Equal(1, bed.Applies("network"));
    }

    [Fact]
    public async Task Opa_policies_run_through_conftest_deny_a_plan_and_show_in_the_comment()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_opa", new Dictionary<string, string> { ["TerraFlow:Runner:ConftestPath"] = RepoPaths.ConftestStandIn });
        var (repo, head) = Repository(bed, "version: 1\npolicy_paths: [policies]\napply_requirements: [policies_passed]\n");
        using var _ = repo;
        repo.Git.Write("policies/deletes.rego", "package terraform.guard\n\n# standin: deny resource_type=null_resource action=delete msg=\"{address} must not be deleted\"\n");
        head = repo.Git.Commit("add an OPA policy");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");

        var app = await Eventually.ValueAsync(() => bed.GitHub.Statuses.LastOrDefault(s => s.Context == "terraflow/policy: app"), s => s is not null, what: "app policy status");
        Assert.Equal("failure", app!.State);
        Assert.Contains(bed.GitHub.Statuses, s => s.Context == "terraflow/policy: network" && s.State == "success");
        var comment = await bed.WaitForCommentAsync(Pr, "null_resource.old must not be deleted");
        Assert.Contains("conftest", comment.Body);

        await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
        await bed.WaitForCommentAsync(Pr, "denied by policy");
        await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        Assert.Equal((1, 0), (bed.Applies("network"), bed.Applies("app")));
    }
}
