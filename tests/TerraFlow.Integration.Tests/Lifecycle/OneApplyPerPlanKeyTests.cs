using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// The database's one-apply-per-plan key (<c>applies</c>' primary key) is the last guard against a plan applied twice.
/// When a decision that starts an apply meets it, the person who asked gets the "already applied" refusal; the command
/// is done, not a failure retried with backoff until it is given up on.
/// </summary>
public sealed class OneApplyPerPlanKeyTests
{
    private const int Pr = 7;

    [Fact]
    public async Task An_apply_that_hits_the_one_apply_per_plan_key_is_refused_once_and_not_retried()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_apply_key");
        using var repo = new TwoProjectRepo();
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network")).Write("app/.standin/behavior.json", bed.Behavior("app"));
        var head = repo.Git.Commit("count applies");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "octocat", "admin");
        await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, author: "octocat");
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await bed.ReviewAsync(Pr, "alice", head);
        await bed.WaitForCommentAsync(Pr, "Approved by @alice");

        // The store already holds an apply of network's plan that the run's state does not show (what a second writer
        // racing past the run lock would leave): the workflow decides to start it, the key refuses the insert.
        Assert.Equal(1, await bed.ScalarAsync($"""
            with inserted as (
                insert into applies (run_id, project, plan_sha256, requested_by)
                select p.run_id, p.name, p.plan_sha256, 'an-earlier-writer' from project_runs p
                where p.run_id = (select max(id) from runs where pr_number = {Pr}) and p.name = 'network'
                returning 1
            ) select count(*) from inserted
            """));

        await bed.CommentAsync(Pr, "terraflow apply -p network", "alice", deliveryId: "apply-again");
        await bed.WaitForCommentAsync(Pr, "`network` was already applied or is being applied");

        // Handled once, as a refusal: processed on its first attempt, no error, no apply job, nothing applied.
        const string item = "from workflow_inbox where payload->>'deliveryId' = 'apply-again'";
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) {item} and processed_at is not null"));
        Assert.Equal(0, await bed.ScalarAsync($"select attempts {item}"));
        Assert.Equal(0, await bed.ScalarAsync($"select count(*) {item} and last_error is not null"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'"));
        Assert.Equal("planned", await bed.ProjectStatusAsync(Pr, "network"));
        Assert.Equal(0, bed.Applies("network"));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from audit_events where action = 'refused' and delivery_id = 'apply-again' and detail like '%network%already applied%'"));
    }
}
