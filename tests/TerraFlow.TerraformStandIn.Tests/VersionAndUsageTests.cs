using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Tests;

public sealed class VersionAndUsageTests
{
    [Theory]
    [InlineData("version")]
    [InlineData("-version")]
    [InlineData("--version")]
    public async Task Version_PrintsTerraformVersionAndPlatform(string arg)
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync(arg);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Terraform v1.9.8\non linux_amd64\n", result.Stdout);
    }

    [Fact]
    public async Task VersionJson_HasTheRealKeys()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("version", "-json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.Equal("1.9.8", doc.RootElement.GetProperty("terraform_version").GetString());
        Assert.Equal("linux_amd64", doc.RootElement.GetProperty("platform").GetString());
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("provider_selections").ValueKind);
        Assert.False(doc.RootElement.GetProperty("terraform_outdated").GetBoolean());
    }

    [Fact]
    public async Task UnknownSubcommand_Exits1WithUsageOnStderr()
    {
        using var dir = new TempWorkDir();
        var result = await dir.RunAsync("frobnicate");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Terraform has no command named \"frobnicate\".", result.Stderr);
        Assert.Contains("Usage: terraform [global options] <subcommand> [args]", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task UnknownFlag_Exits1LikeGoFlagParsing()
    {
        using var dir = new TempWorkDir();
        await dir.InitAsync();
        var result = await dir.RunAsync("plan", "-no-color", "-bogus");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("flag provided but not defined: -bogus", result.Stderr);
    }
}
