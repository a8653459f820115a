using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// Issue 14, smart re-plans, end to end (webhook → engine → runner with the Terraform stand-in): a push that changes
/// one of two projects plans only that one; the other keeps its earlier plan, the comment says so, and approving and
/// applying it applies exactly that plan (the same plan file hash).
/// </summary>
public sealed class SmartReplanTests
{
    private const int Pr = 61;
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

    [Fact]
    public async Task A_push_that_changes_one_project_plans_only_that_one_and_the_kept_plan_applies()
    {
        await using var bed = await LifecycleBed.StartAsync("smart_replan");
        using var repo = new TwoProjectRepo(Config);
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network"))
                .Write("app/.standin/behavior.json", bed.Behavior("app"));
        var first = repo.Git.Commit("count applies");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");

        await bed.OpenAsync(Pr, first, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        var firstRun = await bed.ScalarAsync($"select id from runs where pr_number = {Pr} and head_sha = '{first}'");
        Assert.Equal(2, await PlanJobsAsync(bed, firstRun));
        var appPlanHash = await AppPlanHashAsync(bed, firstRun);

        // A second push touches the network project only.
        repo.Git.Write("network/variables.tf", "variable \"region\" {}\n");
        var second = repo.Git.Commit("network only");
        await bed.OpenAsync(Pr, second, repo.BaseSha, repo.Git.CloneUrl, action: "synchronize");
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and head_sha = '{second}' and status = 'planned'"),
            n => n == 1, what: "the second push planned");
        var secondRun = await bed.ScalarAsync($"select id from runs where pr_number = {Pr} and head_sha = '{second}'");

        // Only network was planned again; app carries the first plan, re-bound to the new head's run.
        Assert.Equal(1, await PlanJobsAsync(bed, secondRun));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from jobs where run_id = {secondRun} and kind = 'plan' and project_name = 'network'"));
        Assert.Equal(appPlanHash, await AppPlanHashAsync(bed, secondRun));
        await bed.WaitForCommentAsync(Pr, $"Unchanged since `{first[..7]}`");
        Assert.Contains(bed.GitHub.Comments(Owner, Repo, Pr), c => c.Body.Contains($"Unchanged since `{first[..7]}`", StringComparison.Ordinal)
            && c.Body.Contains(second[..7], StringComparison.Ordinal));

        // Approving app applies the carried plan: the apply records the hash that was planned at the first push.
        await bed.CommentAsync(Pr, "terraflow approve -p app", "alice");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        Assert.Equal(1, bed.Applies("app"));
        Assert.Equal(0, bed.Applies("network"));
        Assert.Equal(1, await bed.ScalarAsync($"select count(*) from applies where run_id = {secondRun} and project = 'app' and plan_sha256 = '{appPlanHash}'"));
    }

    [Fact]
    public async Task A_terraflow_plan_comment_plans_every_project_again()
    {
        await using var bed = await LifecycleBed.StartAsync("smart_replan_cmd");
        using var repo = new TwoProjectRepo(Config);
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");
        await bed.OpenAsync(Pr, repo.HeadSha, repo.BaseSha, repo.Git.CloneUrl);
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");

        await bed.CommentAsync(Pr, "terraflow plan", "alice");
        await Eventually.ValueAsync(() => bed.ScalarAsync($"select count(*) from runs where pr_number = {Pr} and explicit and status = 'planned'"),
            n => n == 1, what: "the commented plan finished");
        var commented = await bed.ScalarAsync($"select id from runs where pr_number = {Pr} and explicit");
        Assert.Equal(2, await PlanJobsAsync(bed, commented));
    }

    private static Task<long> PlanJobsAsync(LifecycleBed bed, long runId) =>
        bed.ScalarAsync($"select count(*) from jobs where run_id = {runId} and kind = 'plan'");

    /// <summary>The app project's plan file hash in a run (text, so not through ScalarAsync, which reads numbers).</summary>
    private static async Task<string> AppPlanHashAsync(LifecycleBed bed, long runId)
    {
        await using var conn = new Npgsql.NpgsqlConnection(bed.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select plan_sha256 from project_runs where run_id = {runId} and name = 'app'", conn);
        return Assert.IsType<string>(await cmd.ExecuteScalarAsync());
    }
}
