using System.Diagnostics;
using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Tests;

/// <summary>
/// Started as <c>tofu</c> (the app host copy the stand-in's build writes), the stand-in answers as OpenTofu, the way
/// TerraFlow's runner sees the real <c>tofu</c>; started as <c>terraform</c> it stays Terraform.
/// </summary>
public sealed class TofuIdentityTests
{
    private static string AppHost(string name)
    {
        var path = Path.Combine(Path.GetDirectoryName(RepoPaths.StandInAssembly)!, name);
        Assert.True(File.Exists(path), $"the stand-in's '{name}' app host is not built at {path}");
        return path;
    }

    private static async Task<StandInResult> RunAsync(string name, string workingDirectory, params string[] args)
    {
        var startInfo = new ProcessStartInfo(AppHost(name))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        startInfo.Environment.Remove("TF_WORKSPACE");
        startInfo.Environment.Remove("TF_DATA_DIR");
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {name}");
        process.StandardInput.Close();
        return await StandInProcess.CollectAsync(process, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Started_as_tofu_it_reports_OpenTofu_with_the_same_json_keys()
    {
        using var dir = new TempWorkDir();
        var text = await RunAsync("tofu", dir.Path, "version");
        Assert.Equal(0, text.ExitCode);
        Assert.Equal("OpenTofu v1.8.5\non linux_amd64\n", text.Stdout);

        var json = await RunAsync("tofu", dir.Path, "version", "-json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("1.8.5", doc.RootElement.GetProperty("terraform_version").GetString());

        var terraform = await RunAsync("terraform", dir.Path, "version");
        Assert.Equal("Terraform v1.9.8\non linux_amd64\n", terraform.Stdout);
    }

    [Fact]
    public async Task Started_as_tofu_its_plan_text_names_OpenTofu()
    {
        using var dir = new TempWorkDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".standin"));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, ".standin", "plan.json"),
            "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"terraform_data.x\",\"mode\":\"managed\",\"type\":\"terraform_data\",\"name\":\"x\",\"provider_name\":\"terraform.io/builtin/terraform\",\"change\":{\"actions\":[\"create\"],\"before\":null,\"after\":{}}}]}");
        Assert.Equal(0, (await RunAsync("tofu", dir.Path, "init", "-input=false", "-no-color")).ExitCode);
        var plan = await RunAsync("tofu", dir.Path, "plan", "-input=false", "-no-color", "-out=p.tfplan");
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("OpenTofu will perform the following actions:", plan.Stdout);
        Assert.DoesNotContain("Terraform will perform", plan.Stdout);
    }
}
