using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.Lifecycle;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Security;

/// <summary>
/// Issue 9, attack 1 (who triggers work): a pull request from a fork, or from an author without write access, ran
/// its Terraform automatically with TerraFlow's credentials. Now nothing runs until a maintainer authorizes one exact
/// head commit with <c>terraflow plan</c>; or, with <c>ForkPlans=restricted</c>, it runs without credentials and can
/// never be applied. GitHub stand-in, real PostgreSQL, real git, the Terraform stand-in.
/// </summary>
public sealed class ForkPullRequestTests
{
    private const int Pr = 31;
    private const string NotStarted = "The plan did not start";

    private static (TwoProjectRepo Repo, string Head) Repository(LifecycleBed bed, string? config = null)
    {
        var repo = new TwoProjectRepo(config);
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network"))
                .Write("app/.standin/behavior.json", bed.Behavior("app"));
        return (repo, repo.Git.Commit("count applies"));
    }

    private static async Task OpenUntrustedAsync(LifecycleBed bed, string head, string baseSha, string cloneUrl, string author, string? forkOwner, string action = "opened")
    {
        bed.GitHub.AddPullRequest(Owner, Repo, Pr, head, baseSha, author: author, headCloneUrl: cloneUrl, forkOwner: forkOwner);
        var body = UntrustedPullRequests.GitHub(new GitHubWebhooks.PullRequestSpec(Owner, Repo, Pr, head, baseSha, cloneUrl, action), author, forkOwner);
        var response = await bed.SendAsync("pull_request", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static Task<long> JobsAsync(LifecycleBed bed) => bed.ScalarAsync($"select count(*) from jobs j join runs r on r.id = j.run_id where r.pr_number = {Pr}");

    [Fact]
    public async Task A_fork_is_planned_only_after_a_maintainer_authorizes_its_head_and_each_push_needs_a_new_authorization()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_fork");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");

        // mallory has no access at all; her fork's pull request must not run.
        await OpenUntrustedAsync(bed, head, repo.BaseSha, repo.Git.CloneUrl, "mallory", forkOwner: "mallory");
        var waiting = await bed.WaitForCommentAsync(Pr, NotStarted);
        Assert.Contains("this pull request comes from a fork", waiting.Body);
        Assert.Contains("comment `terraflow plan`", waiting.Body);
        Assert.Contains(head[..12], waiting.Body);
        Assert.Equal(0, await JobsAsync(bed));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and status = 'awaiting_authorization'"));
        Assert.DoesNotContain(bed.GitHub.Statuses, s => s.Sha == head);

        // Her own `terraflow plan` is refused: she has no write access.
        await bed.CommentAsync(Pr, "terraflow plan", "mallory");
        await bed.WaitForCommentAsync(Pr, "@mallory needs write access to the repository to run `terraflow plan`");
        Assert.Equal(0, await JobsAsync(bed));

        // A maintainer authorizes exactly this head: it is planned, and the authorization is recorded.
        await bed.CommentAsync(Pr, "terraflow plan", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from plan_authorizations where pr_number = {Pr} and head_sha = '{head}' and authorized_by = 'alice'"));
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from jobs j join runs r on r.id = j.run_id where r.pr_number = {Pr} and (j.spec->>'untrusted')::boolean"));

        // A new push is new code nobody reviewed: it waits again, and the old authorization does not carry over.
        repo.Git.Write("network/extra.tf", "# pushed after the review\n");
        var pushed = repo.Git.Commit("push after authorization");
        var jobsBefore = await JobsAsync(bed);
        await OpenUntrustedAsync(bed, pushed, repo.BaseSha, repo.Git.CloneUrl, "mallory", forkOwner: "mallory", action: "synchronize");
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and head_sha = '{pushed}' and status = 'awaiting_authorization'"),
            n => n == 1, what: "the pushed commit waits for a maintainer");
        await bed.WaitForCommentAsync(Pr, pushed[..12]);
        Assert.Equal(jobsBefore, await JobsAsync(bed));
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) from plan_authorizations where head_sha = '{pushed}'"));
    }

    [Fact]
    public async Task A_same_repository_branch_by_an_author_with_read_access_waits_like_a_fork()
    {
        await using var bed = await LifecycleBed.StartAsync("sec_reader");
        var (repo, head) = Repository(bed);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "reader", "read");

        await OpenUntrustedAsync(bed, head, repo.BaseSha, repo.Git.CloneUrl, "reader", forkOwner: null);
        var waiting = await bed.WaitForCommentAsync(Pr, NotStarted);
        Assert.Contains("@reader has read access on this repository", waiting.Body);
        Assert.Equal(0, await JobsAsync(bed));

        // Neither can the reader approve or apply what is not even planned.
        await bed.CommentAsync(Pr, "terraflow apply", "reader");
        await bed.WaitForCommentAsync(Pr, "@reader needs write permission on the repository to apply");
        Assert.Equal(0, await JobsAsync(bed));
    }

    [Fact]
    public async Task Restricted_mode_plans_a_fork_without_credentials_and_never_applies_it()
    {
        const string config = """
            version: 1
            apply: on_approval
            apply_requirements: [approved]
            projects:
              - name: network
                dir: network
              - name: app
                dir: app
            """;
        await using var bed = await LifecycleBed.StartAsync("sec_restricted", new Dictionary<string, string> { ["TerraFlow:PullRequests:ForkPlans"] = "restricted" });
        var (repo, head) = Repository(bed, config);
        using var _ = repo;
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");

        await OpenUntrustedAsync(bed, head, repo.BaseSha, repo.Git.CloneUrl, "mallory", forkOwner: "mallory");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        // Every job of the run carries the flag the runner withholds all credentials on.
        var jobs = await JobsAsync(bed);
        Assert.True(jobs >= 3, $"expected discover + two plans, found {jobs} jobs");
        Assert.Equal(jobs, await bed.ScalarAsync($"select count(*) from jobs j join runs r on r.id = j.run_id where r.pr_number = {Pr} and (j.spec->>'untrusted')::boolean"));
        await bed.WaitForCommentAsync(Pr, "planned **without any credentials**");

        // An eligible approval would apply an on_approval project at once; not this one.
        await bed.CommentAsync(Pr, "terraflow approve", "alice");
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");
        await bed.CommentAsync(Pr, "terraflow apply", "alice");
        await bed.WaitForCommentAsync(Pr, "TerraFlow never applies such a plan");
        Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from applies"));
        Assert.Equal("planned", await bed.ProjectStatusAsync(Pr, "network"));
    }
}
