using System.Diagnostics;
using System.Text.Json;

namespace TerraFlow.Integration.Tests.RealTerraform;

/// <summary>
/// The real <c>terraform</c> binary on PATH (v1.11.4 in the machine image and CI). These tests exist to check TerraFlow
/// against Terraform's own plan files, JSON, exit codes and state, so a missing binary fails them with a clear
/// message; they never skip.
/// </summary>
internal static class RealTerraformBinary
{
    public const string ExpectedVersion = "1.11.4";

    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The absolute path of the binary; fails the test when there is none or it does not run.</summary>
    public static string Path => Found.Value;

    private static string Find()
    {
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? "";
        var binary = pathVariable.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "terraform"))
            .FirstOrDefault(File.Exists);
        if (binary is null)
            Assert.Fail($"The real Terraform binary is required (terraform v{ExpectedVersion} on PATH) but `terraform` is not on PATH={pathVariable}. "
                + "Install it (the runner image's Dockerfile shows how) — these tests do not skip.");
        var version = VersionOf(binary!);
        Assert.True(version.StartsWith("1.", StringComparison.Ordinal),
            $"{binary} reports Terraform version {version}; these tests need Terraform 1.x (v{ExpectedVersion} in CI) for import blocks and terraform_data.");
        return binary!;
    }

    private static string VersionOf(string binary)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("version");
        psi.ArgumentList.Add("-json");
        psi.Environment["CHECKPOINT_DISABLE"] = "1";
        psi.Environment.Remove("TF_CLI_CONFIG_FILE");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000)) process.Kill();
        Assert.True(process.ExitCode == 0, $"`{binary} version -json` failed (exit {process.ExitCode}); the real Terraform binary must run on this machine.");
        return JsonDocument.Parse(stdout).RootElement.GetProperty("terraform_version").GetString() ?? "";
    }
}
