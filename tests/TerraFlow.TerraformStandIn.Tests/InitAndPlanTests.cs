namespace TerraFlow.TerraformStandIn.Tests;

public sealed class InitAndPlanTests
{
    [Fact]
    public async Task Init_CreatesDataDirAndLockFile()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("init", "-input=false", "-no-color", "-upgrade", "-backend-config=key=value");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Terraform has been successfully initialized!", result.Stdout);
        Assert.True(Directory.Exists(dir.File(".terraform")));
        Assert.True(File.Exists(dir.File(".terraform.lock.hcl")));
    }

    [Fact]
    public async Task Plan_BeforeInit_FailsWithBackendInitializationError()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("plan", "-input=false", "-no-color", "-detailed-exitcode");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error: Backend initialization required, please run \"terraform init\"", result.Stderr);
    }

    [Fact]
    public async Task Plan_WithoutFixture_IsNoChanges_Exit0()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        var result = await dir.RunAsync("plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=5m");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No changes. Your infrastructure matches the configuration.", result.Stdout);
        Assert.DoesNotContain("Plan:", result.Stdout);
    }

    [Fact]
    public async Task Plan_WithChanges_DetailedExitcode2_ElseExit0()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture("terraform-json/testdata/config_resource_depends_on/plan.json");

        var detailed = await dir.RunAsync("plan", "-input=false", "-no-color", "-detailed-exitcode");
        var plain = await dir.RunAsync("plan", "-input=false", "-no-color");

        Assert.Equal(2, detailed.ExitCode);
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("Terraform will perform the following actions:", detailed.Stdout);
        Assert.Contains("  # null_resource.bar must be replaced", detailed.Stdout);
        Assert.Contains("-/+ resource \"null_resource\" \"bar\" {", detailed.Stdout);
        Assert.Contains("Plan: 1 to add, 0 to change, 1 to destroy.", detailed.Stdout);
        Assert.DoesNotContain("null_resource.foo", detailed.Stdout); // a no-op is not shown
    }

    [Fact]
    public async Task Plan_OnlyNoOpAndReads_IsNoChanges()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan(Plans.WithActions(("aws_instance.web", ["no-op"]), ("aws_s3_bucket.logs", ["no-op"])));

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No changes.", result.Stdout);
    }

    [Fact]
    public async Task Plan_OutputChangesOnly_CountAsChanges()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture("terraform-json/testdata/has_changes/plan.json"); // all resources no-op, 8 new outputs

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Changes to Outputs:", result.Stdout);
        Assert.Contains("  + string            = \"foo\"", result.Stdout);
        Assert.DoesNotContain("Plan:", result.Stdout);
    }

    [Fact]
    public async Task Plan_CountsEveryActionKind()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan(Plans.WithActions(
            ("aws_instance.a", ["create"]),
            ("aws_instance.b", ["update"]),
            ("aws_instance.c", ["delete"]),
            ("aws_instance.d", ["delete", "create"]),
            ("aws_instance.e", ["create", "delete"]),
            ("aws_instance.f", ["no-op"])));

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Plan: 3 to add, 1 to change, 3 to destroy.", result.Stdout);
        Assert.Contains("  # aws_instance.a will be created", result.Stdout);
        Assert.Contains("  # aws_instance.b will be updated in-place", result.Stdout);
        Assert.Contains("  # aws_instance.c will be destroyed", result.Stdout);
        Assert.Contains("+/- resource \"aws_instance\" \"e\" {", result.Stdout);
    }

    [Fact]
    public async Task Plan_InvalidFixture_Exits1()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture("terraform-json/testdata/invalid/plan.json");

        var result = await dir.RunAsync("plan", "-no-color", "-detailed-exitcode");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Invalid stand-in plan fixture", result.Stderr);
    }

    [Fact]
    public async Task Plan_MissingVarFile_Exits1_AndVarsAreAccepted()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        File.WriteAllText(dir.File("prod.tfvars"), "x = 1\n");

        var missing = await dir.RunAsync("plan", "-no-color", "-var-file=nope.tfvars");
        var ok = await dir.RunAsync("plan", "-no-color", "-var", "region=eu-west-1", "-var=size=2", "-var-file=prod.tfvars", "-refresh=false");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Given variables file nope.tfvars does not exist.", missing.Stderr);
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task Plan_OutIntoMissingFolder_Exits1WithoutStackTrace()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();

        var result = await dir.RunAsync("plan", "-no-color", "-out=missing/dir/tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("\nError: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
