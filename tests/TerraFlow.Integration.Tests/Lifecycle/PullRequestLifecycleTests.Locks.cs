using System.Net;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>Locks with a queue: waiting behind another pull request, the automatic re-plan, a race, unlock.</summary>
public sealed partial class PullRequestLifecycleTests
{
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
        await Eventually.ValueAsync(() => bed.GitHub.Statuses.Any(s => s.Sha == second && s.Context == "terraflow/plan: network" && s.State == "pending" && s.Description!.Contains("#7", StringComparison.Ordinal)),
            ok => ok, what: "#8 status waiting behind #7");
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
}
