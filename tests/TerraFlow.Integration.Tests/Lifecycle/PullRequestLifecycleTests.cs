using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// Whole pull requests from webhook to applied and merged: approval, apply exactly once, policy deny and override,
/// two pull requests on one project (lock queue, automatic re-plan), depends_on ordering with a failing dependency.
/// </summary>
public sealed partial class PullRequestLifecycleTests
{
    private const int Pr = 7;

    /// <summary>The two-project repository with every project's applies counted by the bed.</summary>
    private static (TwoProjectRepo Repo, string Head) Repository(
        LifecycleBed bed, string? config = null, string networkBehavior = "", string appBehavior = "", IReadOnlyDictionary<string, string>? baseFiles = null)
    {
        var repo = new TwoProjectRepo(config, baseFiles);
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
        using var http = await bed.Host.ConsoleClientAsync();
        var events = await http.GetStringAsync($"{bed.Host.BaseUrl}/api/runs/{runId}/events");
        foreach (var action in new[] { "\"approved\"", "\"apply-started\"", "\"applied\"", "\"merged\"", "\"refused\"" })
            Assert.Contains(action, events);
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
        using var http = await bed.Host.ConsoleClientAsync();
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
}
