namespace TerraFlow.TerraformStandIn.Tests;

public sealed class ApplyTests
{
    [Fact]
    public async Task Apply_SavedPlan_PrintsCountsAndLogsEachApply()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan(Plans.WithActions(("aws_instance.web", ["create"]), ("aws_instance.old", ["delete", "create"]), ("aws_instance.db", ["update"])));
        await dir.RunAsync("plan", "-input=false", "-out=tfplan");

        var first = await dir.RunAsync("apply", "-input=false", "-auto-approve", "-no-color", "tfplan");
        var second = await dir.RunAsync("apply", "-input=false", "tfplan");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Apply complete! Resources: 2 added, 1 changed, 1 destroyed.", first.Stdout);
        Assert.Contains("aws_instance.web: Creating...", first.Stdout);
        Assert.Equal(0, second.ExitCode);
        var log = File.ReadAllLines(dir.File(".standin", "applies.log"));
        Assert.Equal(2, log.Length);
        Assert.Contains("workspace=default", log[0]);
        Assert.Contains("plan=tfplan", log[0]);
    }

    [Fact]
    public async Task Apply_BeforeInit_Fails()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("apply", "-input=false", "-auto-approve", "tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("terraform init", result.Stderr);
        Assert.False(File.Exists(dir.File(".standin", "applies.log")));
    }

    [Fact]
    public async Task Apply_MissingPlanFile_Fails()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        var result = await dir.RunAsync("apply", "-input=false", "-auto-approve", "missing.tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Failed to load \"missing.tfplan\" as a plan file", result.Stderr);
    }

    [Fact]
    public async Task ScriptedApplyFailure_IsNotLogged()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        await dir.RunAsync("plan", "-out=tfplan");
        dir.WriteBehavior("""{"apply_exit": 1, "apply_stderr": "Error: creating EC2 Instance: UnauthorizedOperation"}""");

        var result = await dir.RunAsync("apply", "-input=false", "-auto-approve", "tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("UnauthorizedOperation", result.Stderr);
        Assert.False(File.Exists(dir.File(".standin", "applies.log")));
    }

    [Fact]
    public async Task Apply_WithoutPlanFileOrApproval_IsRefused()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan(Plans.WithActions(("aws_instance.web", ["create"])));

        var refused = await dir.RunAsync("apply", "-input=false", "-no-color");
        var approved = await dir.RunAsync("apply", "-input=false", "-auto-approve", "-no-color");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(0, approved.ExitCode);
        Assert.Contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.", approved.Stdout);
        Assert.Single(File.ReadAllLines(dir.File(".standin", "applies.log")));
    }
}
