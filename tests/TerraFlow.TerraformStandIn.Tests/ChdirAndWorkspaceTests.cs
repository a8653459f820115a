namespace TerraFlow.TerraformStandIn.Tests;

public sealed class ChdirAndWorkspaceTests
{
    [Fact]
    public async Task Chdir_RunsEverythingInTheGivenDirectory()
    {
        using var dir = new TempWorkDir();
        var project = dir.File("envs", "prod");
        Directory.CreateDirectory(Path.Combine(project, ".standin"));
        File.WriteAllText(Path.Combine(project, ".standin", "plan.json"), Plans.WithActions(("aws_instance.web", ["create"])));

        var init = await dir.RunAsync("-chdir=envs/prod", "init", "-input=false");
        var plan = await dir.RunAsync("-chdir=envs/prod", "plan", "-detailed-exitcode", "-out=tfplan");
        var show = await dir.RunAsync("-chdir=envs/prod", "show", "-json", "tfplan");

        Assert.Equal(0, init.ExitCode);
        Assert.True(Directory.Exists(Path.Combine(project, ".terraform")));
        Assert.False(Directory.Exists(dir.File(".terraform")));
        Assert.Equal(2, plan.ExitCode);
        Assert.True(File.Exists(Path.Combine(project, "tfplan")));
        Assert.Equal(0, show.ExitCode);
    }

    [Fact]
    public async Task Chdir_MissingDirectory_Exits1()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("-chdir=nope", "plan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error handling -chdir option", result.Stderr);
    }

    [Fact]
    public async Task TfWorkspace_SelectsPerWorkspaceFixture_ElseSharedOne()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan(Plans.WithActions(("aws_instance.shared", ["create"])));
        dir.WritePlan(Plans.WithActions(("aws_instance.staging", ["delete"])), workspace: "staging");

        var staging = await dir.RunWithEnvAsync(new Dictionary<string, string?> { ["TF_WORKSPACE"] = "staging" }, "plan", "-no-color");
        var other = await dir.RunWithEnvAsync(new Dictionary<string, string?> { ["TF_WORKSPACE"] = "prod" }, "plan", "-no-color");
        var shown = await dir.RunWithEnvAsync(new Dictionary<string, string?> { ["TF_WORKSPACE"] = "staging" }, "workspace", "show");

        Assert.Contains("Plan: 0 to add, 0 to change, 1 to destroy.", staging.Stdout);
        Assert.Contains("aws_instance.staging", staging.Stdout);
        Assert.Contains("Plan: 1 to add, 0 to change, 0 to destroy.", other.Stdout);
        Assert.Equal("staging\n", shown.Stdout);
    }

    [Fact]
    public async Task Workspace_NewSelectShow_PersistsSelection()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();

        var initial = await dir.RunAsync("workspace", "show");
        var created = await dir.RunAsync("workspace", "new", "feature");
        var afterNew = await dir.RunAsync("workspace", "show");
        var back = await dir.RunAsync("workspace", "select", "default");
        var missing = await dir.RunAsync("workspace", "select", "ghost");

        Assert.Equal("default\n", initial.Stdout);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal("feature\n", afterNew.Stdout);
        Assert.Equal(0, back.ExitCode);
        Assert.Equal("default\n", (await dir.RunAsync("workspace", "show")).Stdout);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Workspace \"ghost\" doesn't exist.", missing.Stderr);
    }
}
