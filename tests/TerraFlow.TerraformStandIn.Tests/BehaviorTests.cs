using System.Diagnostics;

namespace TerraFlow.TerraformStandIn.Tests;

public sealed class BehaviorTests
{
    [Fact]
    public async Task ScriptedInitFailure_UsesExitCodeAndStderr()
    {
        using var dir = new TempWorkDir();
        dir.WriteBehavior("""{"init_exit": 1, "init_stderr": "Error: Failed to query available provider packages"}""");

        var result = await dir.RunAsync("init", "-input=false");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: Failed to query available provider packages\n", result.Stderr);
        Assert.False(Directory.Exists(dir.File(".terraform")));
    }

    [Fact]
    public async Task ScriptedPlanFailure_DoesNotWritePlanFile()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WriteBehavior("""{"plan_exit": 1, "plan_stderr": "Error: Invalid provider configuration"}""");

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode", "-out=tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error: Invalid provider configuration", result.Stderr);
        Assert.False(File.Exists(dir.File("tfplan")));
    }

    [Fact]
    public async Task PrintEnv_EchoesVariablesToStdout()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WriteBehavior("""{"print_env": ["AWS_SECRET_ACCESS_KEY"]}""");

        var result = await dir.RunWithEnvAsync(
            new Dictionary<string, string?> { ["AWS_SECRET_ACCESS_KEY"] = "s3cr3t-value" },
            "plan", "-no-color");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("AWS_SECRET_ACCESS_KEY=s3cr3t-value", result.Stdout);
    }

    [Fact]
    public async Task PlanDelay_SigtermInterrupts_WithTerraformMessage()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WriteBehavior("""{"plan_delay_ms": 30000}""");
        var stopwatch = Stopwatch.StartNew();

        using var process = StandInProcess.Start(dir.Path, ["plan", "-no-color"]);
        var collect = StandInProcess.CollectAsync(process, TimeSpan.FromSeconds(20));
        await Task.Delay(1500); // let the runtime start and register its signal handlers
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var result = await collect;

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("Interrupt received.", result.Stdout);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task PlanDelay_WithoutSignal_WaitsThenSucceeds()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WriteBehavior("""{"plan_delay_ms": 700}""");
        var stopwatch = Stopwatch.StartNew();

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode");

        Assert.Equal(0, result.ExitCode);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task MalformedBehaviorFile_Exits1()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WriteBehavior("{ not json");

        var result = await dir.RunAsync("plan", "-no-color");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Invalid stand-in behavior file", result.Stderr);
    }
}
