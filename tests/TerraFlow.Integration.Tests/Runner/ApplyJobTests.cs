using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Postgres;
using TerraFlow.Core.Jobs;
using TerraFlow.Functions.Engine;
using TerraFlow.Integration.Tests.Infrastructure;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>The runner's apply job: exactly the approved plan, exactly once, never retried after a runner died.</summary>
public sealed class ApplyJobTests
{
    [Fact]
    public async Task The_approved_plan_is_applied_once_with_its_output_and_full_log_reported()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        var jobId = await bed.EnqueueApplyAsync(key, sha);

        Assert.True(await bed.Runner(bed.Options()).TryRunOneAsync("w", CancellationToken.None));

        var result = Assert.Single(await bed.ResultsAsync());
        Assert.Equal((jobId, JobKinds.Apply), (result.JobId, result.Kind));
        var apply = result.Apply!;
        Assert.True(apply.Succeeded, apply.Error);
        Assert.False(apply.Interrupted);
        Assert.Equal("network", apply.ProjectName);
        Assert.Contains("Apply complete! Resources: 2 added, 1 changed, 0 destroyed.", apply.Output, StringComparison.Ordinal);
        Assert.NotNull(apply.Log);
        var log = await File.ReadAllTextAsync(Path.Combine(bed.ArtifactsPath, apply.Log));
        Assert.Contains("$ terraform init", log, StringComparison.Ordinal);
        Assert.Contains("$ terraform apply -input=false -no-color terraflow.tfplan", log, StringComparison.Ordinal);
        Assert.Equal(1, bed.AppliesCount);
        Assert.Equal(("succeeded", 1, 1), await bed.JobRowAsync(jobId));
    }

    [Fact]
    public async Task The_output_in_the_result_is_the_end_of_a_long_apply_output()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        var many = PlanJson.With(Enumerable.Range(0, 200).Select(i => ($"null_resource.r{i:D3}", new[] { "create" })).ToArray());
        var (key, sha) = await bed.StorePlanAsync(many);
        await bed.EnqueueApplyAsync(key, sha);

        await bed.Runner(bed.Options()).TryRunOneAsync("w", CancellationToken.None);

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.True(apply.Succeeded, apply.Error);
        var lines = apply.Output!.Split('\n');
        Assert.InRange(lines.Length, 1, 60);
        Assert.Contains(lines, l => l.StartsWith("Apply complete! Resources: 200 added", StringComparison.Ordinal));
        Assert.Contains("null_resource.r000", await File.ReadAllTextAsync(Path.Combine(bed.ArtifactsPath, apply.Log!)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_file_that_changed_after_approval_is_refused_and_terraform_never_runs()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        var (key, approvedSha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        // Someone replaces the stored plan with another one after it was approved.
        var (otherKey, _) = await bed.StorePlanAsync(TwoProjectRepo.AppPlan, "other");
        await using (var other = (await bed.Artifacts.OpenReadAsync(otherKey, CancellationToken.None))!)
        {
            var copy = new MemoryStream();
            await other.CopyToAsync(copy);
            copy.Position = 0;
            await bed.Artifacts.PutAsync(key, copy, CancellationToken.None);
        }
        var jobId = await bed.EnqueueApplyAsync(key, approvedSha);

        await bed.Runner(bed.Options()).TryRunOneAsync("w", CancellationToken.None);

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.False(apply.Succeeded);
        Assert.False(apply.Interrupted);
        Assert.Contains("Refused", apply.Error, StringComparison.Ordinal);
        Assert.Contains(approvedSha, apply.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was applied", apply.Error, StringComparison.Ordinal);
        Assert.Equal(0, bed.AppliesCount);
        Assert.Empty(Directory.Exists(bed.WorkDirectory) ? Directory.EnumerateDirectories(bed.WorkDirectory) : []);
        Assert.Equal("succeeded", (await bed.JobRowAsync(jobId)).Status);
    }

    [Fact]
    public async Task A_missing_plan_file_is_reported_without_running_terraform()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        await bed.EnqueueApplyAsync($"runs/{bed.RunId}/network/gone/plan.tfplan", new string('a', 64));

        await bed.Runner(bed.Options()).TryRunOneAsync("w", CancellationToken.None);

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.False(apply.Succeeded);
        Assert.Contains("no longer in the artifact store", apply.Error, StringComparison.Ordinal);
        Assert.Equal(0, bed.AppliesCount);
    }

    [Fact]
    public async Task An_apply_whose_runner_died_is_reported_interrupted_and_never_requeued()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        var jobId = await bed.EnqueueApplyAsync(key, sha);
        var queue = bed.Queue(TimeSpan.FromSeconds(1));
        var lease = await queue.ClaimAsync("runner-that-dies", CancellationToken.None);
        Assert.NotNull(lease);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // no renewals: the lease expires

        var sweeper = new ExpiredLeaseSweeper(new PostgresExpiredJobSweep(bed.Db), NullLogger<ExpiredLeaseSweeper>.Instance);
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));

        var result = Assert.Single(await bed.ResultsAsync());
        Assert.Equal((jobId, JobKinds.Apply), (result.JobId, result.Kind));
        Assert.Null(result.Discovery);
        var apply = result.Apply!;
        Assert.Equal("network", apply.ProjectName);
        Assert.False(apply.Succeeded);
        Assert.True(apply.Interrupted);
        Assert.Contains("state is still locked", apply.Error, StringComparison.Ordinal);
        Assert.Contains("partially", apply.Error, StringComparison.Ordinal);
        Assert.Contains("new plan", apply.Error, StringComparison.Ordinal);
        Assert.Equal(("failed", 1, 1), await bed.JobRowAsync(jobId));
        Assert.Null(await queue.ClaimAsync("another-runner", CancellationToken.None));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Assert.False(await queue.CompleteAsync(lease, result, CancellationToken.None)); // the dead runner's late result is fenced off
    }

    [Fact]
    public async Task A_failing_apply_is_reported_failed_not_interrupted_with_terraforms_error()
    {
        await using var bed = await ApplyTestBed.CreateAsync();
        bed.Repo.Git.Write("network/.standin/behavior.json", """{"apply_exit": 1, "apply_stderr": "Error: creating vnet: quota exceeded"}""");
        var head = bed.Repo.Git.Commit("failing apply");
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        await bed.EnqueueApplyAsync(key, sha, head);

        await bed.Runner(bed.Options()).TryRunOneAsync("w", CancellationToken.None);

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.False(apply.Succeeded);
        Assert.False(apply.Interrupted);
        Assert.Contains("quota exceeded", apply.Error, StringComparison.Ordinal);
        Assert.Contains("quota exceeded", apply.Output, StringComparison.Ordinal);
        Assert.NotNull(apply.Log);
    }
}
