using System.IO.Compression;
using System.Security.Cryptography;

namespace TerraFlow.TerraformStandIn.Tests;

public sealed class PlanFileAndShowTests
{
    private const string BasicFixture = "terraform-json/testdata/basic/plan.json";

    [Fact]
    public async Task PlanOut_WritesZip_AndShowJsonReturnsTheFixtureExactly()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture("terraform-json/testdata/120_basic/plan.json");

        var plan = await dir.RunAsync("plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan");
        var show = await dir.RunAsync("show", "-json", "tfplan");

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("Saved the plan to: tfplan", plan.Stdout);
        using (var zip = ZipFile.OpenRead(dir.File("tfplan")))
        {
            Assert.NotNull(zip.GetEntry("tfplan-standin.json"));
        }

        Assert.Equal(0, show.ExitCode);
        var fixture = File.ReadAllText(RepoPaths.ExternalFixture("terraform-json/testdata/120_basic/plan.json")).TrimEnd('\n');
        Assert.Equal(fixture + "\n", show.Stdout);
    }

    [Fact]
    public async Task ShowJson_PrintsPrettyFixturesOnOneLine()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.WritePlan("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [],\n  \"note\": \"a b\\u003e\"\n}\n");

        await dir.RunAsync("plan", "-out=p.tfplan");
        var show = await dir.RunAsync("show", "-json", "p.tfplan");

        Assert.Equal("{\"format_version\":\"1.2\",\"resource_changes\":[],\"note\":\"a b\\u003e\"}\n", show.Stdout);
    }

    [Fact]
    public async Task PlanOut_SamePlanTwice_GivesIdenticalBytes()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture(BasicFixture);

        await dir.RunAsync("plan", "-out=first");
        await Task.Delay(1100); // a timestamp inside the archive would now differ
        await dir.RunAsync("plan", "-out", "second");

        Assert.Equal(
            SHA256.HashData(File.ReadAllBytes(dir.File("first"))),
            SHA256.HashData(File.ReadAllBytes(dir.File("second"))));
    }

    [Fact]
    public async Task ShowText_HasPlanLineWithCounts_ReadsNotCounted()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        dir.CopyPlanFixture(BasicFixture); // 7 creates + 1 data source read

        await dir.RunAsync("plan", "-no-color", "-out=tfplan");
        var show = await dir.RunAsync("show", "-no-color", "tfplan");
        var showDefault = await dir.RunAsync("show", "tfplan");

        Assert.Equal(0, show.ExitCode);
        Assert.Contains("Plan: 7 to add, 0 to change, 0 to destroy.", show.Stdout);
        Assert.Contains("  # data.null_data_source.baz will be read during apply", show.Stdout);
        Assert.Contains("  # null_resource.baz[2] will be created", show.Stdout);
        Assert.Contains("Changes to Outputs:", show.Stdout);
        Assert.Equal(show.Stdout, showDefault.Stdout);
    }

    [Fact]
    public async Task Show_MissingFile_Exits1WithClearError()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("show", "-json", "does-not-exist.tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Failed to read the given file as a state or plan file", result.Stderr);
        Assert.Contains("no such file or directory", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Show_CorruptFile_Exits1()
    {
        using var dir = new TempWorkDir();
        File.WriteAllText(dir.File("broken.tfplan"), "this is not a zip");

        var result = await dir.RunAsync("show", "-no-color", "broken.tfplan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a saved plan file", result.Stderr);
    }
}
