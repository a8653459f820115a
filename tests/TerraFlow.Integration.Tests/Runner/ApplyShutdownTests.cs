using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// A runner asked to stop (SIGTERM: the host's stopping token) does not kill an apply in progress: the apply gets
/// the grace period to finish, and is interrupted (SIGINT first) and reported as such only when it does not.
/// </summary>
public sealed class ApplyShutdownTests
{
    [Fact]
    public async Task An_apply_that_finishes_within_the_grace_period_is_reported_succeeded_after_the_stop()
    {
        await using var bed = await ApplyTestBed.CreateAsync(applyDelayMs: 3000);
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        var jobId = await bed.EnqueueApplyAsync(key, sha);
        var runner = bed.Runner(bed.Options(o => o.ApplyGracePeriod = TimeSpan.FromMinutes(1)));
        using var stopping = new CancellationTokenSource();

        var run = runner.RunAsync(stopping.Token);
        await bed.WaitForTerraformAsync("apply", TimeSpan.FromSeconds(60));
        var stoppedAt = Stopwatch.StartNew();
        await stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.True(apply.Succeeded, apply.Error);
        Assert.False(apply.Interrupted);
        Assert.Equal(1, bed.AppliesCount);
        Assert.Equal("succeeded", (await bed.JobRowAsync(jobId)).Status);
        Assert.True(stoppedAt.Elapsed > TimeSpan.FromSeconds(1), "the runner stopped without waiting for the apply");
    }

    [Fact]
    public async Task An_apply_that_outlasts_the_grace_period_is_interrupted_gracefully_and_reported_interrupted()
    {
        await using var bed = await ApplyTestBed.CreateAsync(applyDelayMs: 120_000);
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        var jobId = await bed.EnqueueApplyAsync(key, sha);
        var runner = bed.Runner(bed.Options(o =>
        {
            o.ApplyGracePeriod = TimeSpan.FromSeconds(2);
            o.ApplyInterruptTimeout = TimeSpan.FromSeconds(30);
        }));
        using var stopping = new CancellationTokenSource();

        var run = runner.RunAsync(stopping.Token);
        await bed.WaitForTerraformAsync("apply", TimeSpan.FromSeconds(60));
        var stoppedAt = Stopwatch.StartNew();
        await stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(stoppedAt.Elapsed >= TimeSpan.FromSeconds(1.9), $"interrupted after {stoppedAt.Elapsed}, before the grace period ended");
        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.False(apply.Succeeded);
        Assert.True(apply.Interrupted);
        Assert.Contains("grace period", apply.Error, StringComparison.Ordinal);
        Assert.Contains("state is still locked", apply.Error, StringComparison.Ordinal);
        // Terraform got SIGINT (its graceful stop), not an outright kill.
        Assert.Contains("Interrupt received", apply.Output, StringComparison.Ordinal);
        Assert.Contains("Interrupt received", await File.ReadAllTextAsync(Path.Combine(bed.ArtifactsPath, apply.Log!)), StringComparison.Ordinal);
        Assert.Equal(0, bed.AppliesCount);
        Assert.False(bed.TerraformRunning("apply"), "terraform apply is still running after the runner stopped");
        Assert.Equal("succeeded", (await bed.JobRowAsync(jobId)).Status);
    }

    [Fact]
    public async Task An_apply_whose_runner_stops_before_terraform_apply_starts_is_not_started_and_reported_not_applied()
    {
        await using var bed = await ApplyTestBed.CreateAsync(initDelayMs: 120_000);
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        await bed.EnqueueApplyAsync(key, sha);
        var runner = bed.Runner(bed.Options(o => o.ApplyGracePeriod = TimeSpan.FromMinutes(5)));
        using var stopping = new CancellationTokenSource();

        var run = runner.RunAsync(stopping.Token);
        await bed.WaitForTerraformAsync("init", TimeSpan.FromSeconds(60));
        await stopping.CancelAsync();
        // Nothing was applied yet, so there is nothing to wait for: the runner stops well within the grace period.
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
        Assert.False(apply.Succeeded);
        Assert.False(apply.Interrupted);
        Assert.Contains("before terraform apply started", apply.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was applied", apply.Error, StringComparison.Ordinal);
        Assert.Equal(0, bed.AppliesCount);
        Assert.False(bed.TerraformRunning("init"), "terraform init is still running after the runner stopped");
    }

    [Fact]
    public async Task A_runner_process_given_SIGTERM_during_an_apply_finishes_it_reports_it_and_exits()
    {
        await using var bed = await ApplyTestBed.CreateAsync(applyDelayMs: 4000);
        var (key, sha) = await bed.StorePlanAsync(TwoProjectRepo.NetworkPlan);
        await bed.EnqueueApplyAsync(key, sha);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TerraFlow.Runner.dll"));
        psi.Environment["ConnectionStrings__Postgres"] = bed.ConnectionString;
        psi.Environment["TerraFlow__ArtifactsPath"] = bed.ArtifactsPath;
        psi.Environment["TerraFlow__Runner__TerraformPath"] = RepoPaths.TerraformStandIn;
        psi.Environment["TerraFlow__Runner__WorkDirectory"] = bed.WorkDirectory;
        psi.Environment["TerraFlow__CloneUrls__AllowLocalPaths"] = "true";
        psi.Environment["TerraFlow__Runner__PollInterval"] = "00:00:00.200";
        psi.Environment["TerraFlow__Runner__ApplyGracePeriod"] = "00:01:00";
        using var runner = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        runner.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        runner.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        try
        {
            await bed.WaitForTerraformAsync("apply", TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-TERM", runner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await runner.WaitForExitAsync(timeout.Token);
            string log;
            lock (output) log = output.ToString();
            Assert.True(runner.ExitCode == 0, $"runner exit {runner.ExitCode}:\n{log}");
            var apply = Assert.Single(await bed.ResultsAsync()).Apply!;
            Assert.True(apply.Succeeded, apply.Error + "\n" + log);
            Assert.Equal(1, bed.AppliesCount);
        }
        finally
        {
            if (!runner.HasExited) runner.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void The_host_waits_long_enough_on_shutdown_for_the_apply_grace_period()
    {
        var options = new RunnerOptions { ApplyGracePeriod = TimeSpan.FromMinutes(10) };
        var services = new ServiceCollection();
        services.AddTerraFlowRunner(options);
        using var provider = services.BuildServiceProvider();

        var shutdown = provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.True(shutdown > options.ApplyGracePeriod + options.ApplyInterruptTimeout, $"shutdown timeout {shutdown}");
    }
}
