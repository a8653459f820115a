using System.Diagnostics;
using TerraFlow.Integration.Tests.Infrastructure;
using static TerraFlow.Integration.Tests.Lifecycle.LifecycleBed;

namespace TerraFlow.Integration.Tests.Lifecycle;

/// <summary>
/// Crashes at each lifecycle step: the host stopped right after each webhook was acknowledged, a runner killed between
/// claiming an apply and starting Terraform, and one killed while Terraform applies. A plan is never applied twice,
/// and an apply a runner died in is reported as interrupted, never retried.
/// </summary>
public sealed class ApplyCrashTests
{
    private const int Pr = 7;
    private static readonly Dictionary<string, string> NoRunner = new() { ["TerraFlow:Runner:InProcess"] = "false" };

    [Fact]
    public async Task The_host_stopped_after_every_acknowledged_step_still_applies_each_plan_exactly_once()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_host_crash");
        using var repo = new TwoProjectRepo();
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network")).Write("app/.standin/behavior.json", bed.Behavior("app"));
        var head = repo.Git.Commit("count applies");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");

        // Each step's webhook is acknowledged (stored), then the host goes away before doing anything else with it.
        async Task CrashAfter(Func<Task> step)
        {
            await step();
            await bed.StopHostAsync();
            await bed.StartHostAsync();
        }

        await CrashAfter(() => bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl));
        await bed.WaitForProjectStatusAsync(Pr, "network", "planned");
        await bed.WaitForProjectStatusAsync(Pr, "app", "planned");
        await CrashAfter(() => bed.CommentAsync(Pr, "terraflow approve", "alice"));
        await bed.WaitForCommentAsync(Pr, "Approval by @alice recorded");
        await CrashAfter(() => bed.CommentAsync(Pr, "terraflow apply", "alice"));
        await bed.WaitForProjectStatusAsync(Pr, "network", "applied");
        await bed.WaitForProjectStatusAsync(Pr, "app", "applied");
        // And once more while the applies' results are being written back.
        await CrashAfter(() => Task.CompletedTask);
        await CrashAfter(() => bed.CloseAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl, merged: true));
        await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from project_locks"), n => n == 0, what: "locks released");

        Assert.Equal((1, 1), (bed.Applies("network"), bed.Applies("app")));
        Assert.Equal(2, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and attempts > 1"));
        Assert.Single(bed.GitHub.Comments(Owner, Repo, Pr), c => c.Body.Contains("terraflow:run:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_runner_killed_before_or_during_terraform_apply_leaves_the_apply_interrupted_and_never_retried()
    {
        await using var bed = await LifecycleBed.StartAsync("lc_runner_crash", NoRunner);
        using var repo = new TwoProjectRepo("version: 1\napply_requirements: []\n");
        // network: a slow init, so the kill lands after the claim and before Terraform starts applying.
        // app: a slow apply, so the kill lands while Terraform applies.
        repo.Git.Write("network/.standin/behavior.json", bed.Behavior("network", "\"init_delay_ms\": 2500"))
                .Write("app/.standin/behavior.json", bed.Behavior("app", "\"apply_delay_ms\": 15000"));
        var head = repo.Git.Commit("slow steps");
        bed.GitHub.SetCollaboratorPermission(Owner, Repo, "alice", "write");

        var runner = bed.StartRunnerProcess();
        try
        {
            await bed.OpenAsync(Pr, head, repo.BaseSha, repo.Git.CloneUrl);
            await bed.WaitForProjectStatusAsync(Pr, "network", "planned", TimeSpan.FromSeconds(90));
            await bed.WaitForProjectStatusAsync(Pr, "app", "planned", TimeSpan.FromSeconds(90));

            await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
            await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and project_name = 'network' and status = 'leased'"), n => n == 1, what: "network apply claimed");
            Kill(runner);

            runner = bed.StartRunnerProcess();
            await bed.CommentAsync(Pr, "terraflow apply -p app", "alice");
            await Eventually.ValueAsync(() => bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and project_name = 'app' and status = 'leased'"), n => n == 1, what: "app apply claimed");
            await Task.Delay(TimeSpan.FromSeconds(4)); // clone + init done: Terraform is applying (for 15 s)
            Kill(runner);

            await bed.WaitForProjectStatusAsync(Pr, "network", "apply_interrupted", TimeSpan.FromSeconds(30));
            await bed.WaitForProjectStatusAsync(Pr, "app", "apply_interrupted", TimeSpan.FromSeconds(30));
            await bed.WaitForCommentAsync(Pr, "force-unlock");

            // A healthy runner picks up nothing: interrupted applies are not retried.
            runner = bed.StartRunnerProcess();
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal(0, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and status <> 'failed'"));
            Assert.Equal(2, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply' and attempts = 1"));
            Assert.Equal((0, 0), (bed.Applies("network"), bed.Applies("app")));

            // Asking again is refused: the plan must be made again first.
            await bed.CommentAsync(Pr, "terraflow apply -p network", "alice");
            await bed.WaitForCommentAsync(Pr, "re-planned first");
            Assert.Equal(2, await bed.ScalarAsync("select count(*) from jobs where kind = 'apply'"));
        }
        finally
        {
            Kill(runner);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
        catch (InvalidOperationException) { } // already killed and disposed
    }
}
