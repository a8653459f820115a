using System.Net;
using System.Text.Json;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 7: <c>terraflow approve</c> approved whatever plan was current when it was processed, and an old
/// signed comment delivery replayed under a new <c>X-GitHub-Delivery</c> id approved the new run. Now an approval
/// binds to the plan posted when the comment was written, and comments and reviews are de-duplicated by their own ids.
/// </summary>
public sealed class StaleApprovalTests
{
    private const int Pr = 51;
    private const string Config = """
        version: 1
        apply: on_approval
        apply_requirements: [approved]
        projects:
          - name: network
            dir: network
          - name: app
            dir: app
        """;

    private static (TwoProjectRepo Repo, string Head) Repository(LifecycleBed bed)
    {
        var repo = new TwoProjectRepo(Config);
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network"))
                .Write("app/.standin/behavior.json", bed.Behavior("app"));
        return (repo, repo.Git.Commit("count applies"));
    }

    private static async Task<string> PushAsync(LifecycleBed bed, TwoProjectRepo repo, string change)
    {
        repo.Git.Write("network/variables.tf", $"variable \"{change}\" {{}}\n");
        var pushed = repo.Git.Commit(change);
        await bed.OpenAsync(Pr, pushed, repo.BaseSha, repo.Git.CloneUrl, action: "synchronize");
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and head_sha = '{pushed}' and status = 'planned'"),
            n => n == 1, what: "the pushed commit planned");
        return pushed;
    }

    [Fact]
    public async Task An_approve_comment_written_before_a_newer_plan_was_posted_is_refused()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_stale");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        // alice reads the first plan and writes her approval; a push lands before TerraFlow processes it.
        var written = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await PushAsync(bed, repo, "after_the_review");

        var stale = GitHubWebhooks.IssueComment(Owner, Repo, Pr, "terraflow approve", "alice", createdAt: written);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SendAsync("issue_comment", stale)).StatusCode);
        await bed.WaitForCommentAsync(Pr, "approval refused: the plan changed after your comment");
        Assert.DoesNotContain(bed.GitHub.Comments(Owner, Repo, Pr), c => c.Body.Contains("Approved by @alice", StringComparison.Ordinal));
        Assert.Equal(0, bed.Applies("network") + bed.Applies("app"));
        Assert.Equal("planned", await bed.ProjectStatusAsync(Pr, "network"));

        // Approving what she has now seen works (and, with apply: on_approval, applies it).
        await bed.CommentAsync(Pr, "terraflow approve", "alice");
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
    }

    [Fact]
    public async Task A_replayed_comment_or_review_under_a_new_delivery_id_does_nothing()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_replay");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "bob", "write");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        // A comment that was never processed (dropped on its way) is held back and replayed after a push.
        var old = GitHubWebhooks.IssueComment(Owner, Repo, Pr, "terraflow approve", "alice");
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SendAsync("issue_comment", old, deliveryId: "first-delivery")).StatusCode);
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        var applied = bed.Applies("network");

        var pushed = await PushAsync(bed, repo, "second_change");
        var commentsBefore = bed.GitHub.Comments(Owner, Repo, Pr).Count;
        var replay = await bed.SendAsync("issue_comment", old, deliveryId: "replayed-" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        using (var answer = JsonDocument.Parse(await replay.Content.ReadAsStringAsync()))
        {
            Assert.Equal("duplicate", answer.RootElement.GetProperty("status").GetString());
            Assert.Contains("comment was already received", answer.RootElement.GetProperty("reason").GetString());
        }

        Assert.Equal(0, await bed.ScalarAsync("select count(*) from webhook_deliveries where delivery_id like 'replayed-%'"));
        var secondRun = await bed.ScalarAsync($"select max(id) from runs where pr_number = {Pr}");
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from audit_events where action = 'approved' and run_id = {secondRun}"));
        Assert.Equal(applied, bed.Applies("network"));

        // The same for a review: its id, not the delivery id, says whether it is new.
        var review = GitHubWebhooks.Review(Owner, Repo, Pr, "bob", pushed);
        Assert.Equal(HttpStatusCode.Accepted, (await bed.SendAsync("pull_request_review", review, deliveryId: "review-1")).StatusCode);
        var replayedReview = await bed.SendAsync("pull_request_review", review, deliveryId: "review-2");
        Assert.Equal(HttpStatusCode.OK, replayedReview.StatusCode);
        Assert.Contains("review was already received", await replayedReview.Content.ReadAsStringAsync());
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from audit_events where action = 'approved' and run_id = {secondRun}"), n => n == 1, what: "bob's approval");
        Assert.DoesNotContain(bed.GitHub.Comments(Owner, Repo, Pr).Skip(commentsBefore), c => c.Body.Contains("Approved by @alice", StringComparison.Ordinal));
    }
}
