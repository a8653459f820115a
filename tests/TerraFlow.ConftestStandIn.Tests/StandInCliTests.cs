using System.Text.Json;
using TerraFlow.Runner.Processes;

namespace TerraFlow.ConftestStandIn.Tests;

/// <summary>The stand-in's own contract, run as a process exactly as the runner runs it.</summary>
public class StandInCliTests
{
    private static Task<ProcessResult> Run(string cwd, params string[] args) =>
        ProcessRunner.RunAsync(StandIns.Conftest, args, cwd, null, TimeSpan.FromSeconds(30), CancellationToken.None);

    [Fact]
    public async Task Failures_exit_1_with_real_shaped_json_and_warnings_alone_exit_0()
    {
        using var dir = new TempDir();
        dir.Write("plan.json", Plans.KeyVault);
        dir.Write("policy/vault.rego", """
            package main

            # standin: deny resource_type=azurerm_key_vault* action=delete msg="{address} must not be deleted"
            # standin: warn action=create msg="new: {address}"
            # standin: deny address=module.nothing.* msg="never fires"
            deny[msg] { false; msg := "rego is not evaluated" }
            """);
        var result = await Run(dir.Path, "test", "--output", "json", "--policy", "policy", "plan.json");
        Assert.Equal(1, result.ExitCode);
        var entry = JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray().Single();
        Assert.Equal("plan.json", entry.GetProperty("filename").GetString());
        Assert.Equal("main", entry.GetProperty("namespace").GetString());
        Assert.Equal(1, entry.GetProperty("successes").GetInt32());
        var failures = entry.GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal(["azurerm_key_vault.main must not be deleted", "module.secrets.azurerm_key_vault_secret.db must not be deleted"],
            failures.Select(f => f.GetProperty("msg").GetString()));
        Assert.Equal("data.main.deny", failures[0].GetProperty("metadata").GetProperty("query").GetString());
        Assert.Equal("azurerm_key_vault.main", failures[0].GetProperty("metadata").GetProperty("resource").GetString());
        Assert.Equal(2, entry.GetProperty("warnings").GetArrayLength()); // the replaced secret is created too, and the storage account

        dir.Write("policy/vault.rego", "package main\n# standin: warn action=create msg=\"new: {address}\"\n");
        var warnOnly = await Run(dir.Path, "test", "-o", "json", "-p", "policy", "plan.json");
        Assert.Equal(0, warnOnly.ExitCode);
        Assert.False(JsonDocument.Parse(warnOnly.StandardOutput).RootElement[0].TryGetProperty("failures", out _), "empty lists are left out");
        var failOnWarn = await Run(dir.Path, "test", "--output=json", "--policy=policy", "--fail-on-warn", "plan.json");
        Assert.Equal(1, failOnWarn.ExitCode);
    }

    [Fact]
    public async Task Only_the_main_namespace_is_checked_unless_all_namespaces_is_given()
    {
        using var dir = new TempDir();
        dir.Write("plan.json", Plans.KeyVault);
        dir.Write("policy/azure.rego", "package terraform.azure\n# standin: deny msg=\"always\"\n");
        var main = await Run(dir.Path, "test", "--output", "json", "--policy", "policy", "plan.json");
        Assert.Equal(0, main.ExitCode);
        Assert.Equal("[]", main.StandardOutput.Trim());

        var all = await Run(dir.Path, "test", "--output", "json", "--all-namespaces", "--policy", "policy", "plan.json");
        Assert.Equal(1, all.ExitCode);
        Assert.Equal("terraform.azure", JsonDocument.Parse(all.StandardOutput).RootElement[0].GetProperty("namespace").GetString());
    }

    [Theory]
    [InlineData("unknown flag: --bogus", "test", "--output", "json", "--bogus", "plan.json")]
    [InlineData("missing required argument", "test", "--output", "json", "--policy", "policy")]
    [InlineData("no such file or directory", "test", "--output", "json", "--policy", "nowhere", "plan.json")]
    [InlineData("no such file or directory", "test", "--output", "json", "--policy", "policy", "missing.json")]
    [InlineData("no policies found", "test", "--output", "json", "--policy", "empty", "plan.json")]
    [InlineData("unknown command", "verify")]
    public async Task Errors_exit_1_with_an_error_line_and_no_results(string expected, params string[] args)
    {
        using var dir = new TempDir();
        dir.Write("plan.json", Plans.KeyVault);
        dir.Write("policy/p.rego", "package main\n# standin: deny msg=\"x\"\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        var result = await Run(dir.Path, args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith("Error: ", result.StandardError);
        Assert.Contains(expected, result.StandardError);
    }

    [Fact]
    public async Task An_error_directive_simulates_a_broken_policy()
    {
        using var dir = new TempDir();
        dir.Write("plan.json", Plans.KeyVault);
        dir.Write("policy/p.rego", "package main\n# standin: error msg=\"rego_type_error: undefined function\"\n");
        var result = await Run(dir.Path, "test", "--output", "json", "--policy", "policy", "plan.json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("rego_type_error: undefined function", result.StandardError);
    }
}
