using System.Text;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner;
using TerraFlow.Runner.Policies;

namespace TerraFlow.ConftestStandIn.Tests;

/// <summary>The runner's policy check against the conftest stand-in as a separate process.</summary>
public class PolicyCheckTests
{
    private static readonly byte[] PlanBytes = Encoding.UTF8.GetBytes(Plans.KeyVault);

    private static RunnerOptions Options(string? conftest = null) => new() { ConftestPath = conftest ?? StandIns.Conftest, PolicyTimeout = TimeSpan.FromSeconds(30) };

    private static ProjectDefinition Project(params string[] policyPaths) =>
        new ProjectDefinition("infra", "infra", "default", ProjectDefaults.WhenModified, [], true) { PolicyPaths = policyPaths };

    private static TempDir Workspace(string rego, string folder = "policies/opa")
    {
        var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "infra"));
        dir.Write($"{folder}/policy.rego", rego);
        return dir;
    }

    private static Task<PolicyOutcome> Check(PolicyCheck check, TempDir workspace, ProjectDefinition project) =>
        check.EvaluateAsync(project, workspace.Path, Path.Combine(workspace.Path, "infra"), PlanBytes, CancellationToken.None);

    [Fact]
    public async Task Without_rules_or_policy_paths_the_plan_passes_and_conftest_never_runs()
    {
        using var workspace = Workspace("package main\n");
        var check = new PolicyCheck(Options("/nonexistent/conftest"), new SecretMasker());
        Assert.Same(PolicyOutcome.Passed, await Check(check, workspace, Project()));
        Assert.Equal("", check.Log);
    }

    [Fact]
    public async Task Conftest_failures_deny_and_warnings_warn_after_the_built_in_violations()
    {
        using var workspace = Workspace("""
            package terraform.azure
            # standin: deny resource_type=azurerm_key_vault action=delete msg="key vaults must not be deleted"
            # standin: warn address=azurerm_storage_account.* msg="storage {address} is new"
            """);
        var project = Project("policies/opa") with
        {
            Policies = [new PolicyRule("regions", PolicySeverity.Warn, 0, PrincipalSet.Anyone) { AllowedValues = new AllowedValuesCheck("location", ["westeurope"]) }],
        };
        var check = new PolicyCheck(Options(), new SecretMasker());
        var outcome = await Check(check, workspace, project);

        Assert.Null(outcome.Error);
        Assert.True(outcome.Denied);
        Assert.Equal(
            [("regions", "terraflow", PolicySeverity.Warn), ("terraform.azure.deny", "conftest", PolicySeverity.Deny), ("terraform.azure.warn", "conftest", PolicySeverity.Warn)],
            outcome.Violations.Select(v => (v.Rule, v.Source, v.Severity)));
        Assert.Equal(["azurerm_key_vault.main"], outcome.Violations[1].Resources);
        Assert.Equal("storage azurerm_storage_account.logs is new", outcome.Violations[2].Message);
        Assert.Contains("$ conftest test --output json --all-namespaces --no-color --policy policies/opa infra/terraflow.plan.json", check.Log);
        Assert.Contains("(exit 1)", check.Log);
        Assert.True(File.Exists(Path.Combine(workspace.Path, "infra", PolicyCheck.PlanJsonFileName)));
    }

    [Fact]
    public async Task Passing_policies_from_several_folders_give_passed()
    {
        using var workspace = Workspace("package main\n# standin: deny resource_type=aws_* msg=\"no aws\"\n");
        workspace.Write("policies/more/p.rego", "package more\n# standin: deny action=read msg=\"no reads\"\n");
        var outcome = await Check(new PolicyCheck(Options(), new SecretMasker()), workspace, Project("policies/opa", "policies/more"));
        Assert.Same(PolicyOutcome.Passed, outcome);
    }

    [Fact]
    public async Task A_broken_policy_is_an_error_that_denies_with_conftests_message()
    {
        using var workspace = Workspace("package main\n# standin: error msg=\"rego_parse_error: unexpected eof\"\n");
        var outcome = await Check(new PolicyCheck(Options(), new SecretMasker()), workspace, Project("policies/opa"));
        Assert.True(outcome.Denied);
        Assert.Empty(outcome.Violations);
        Assert.Contains("rego_parse_error: unexpected eof", outcome.Error);
    }

    [Fact]
    public async Task A_missing_policy_folder_or_conftest_binary_is_an_error()
    {
        using var workspace = Workspace("package main\n");
        var missing = await Check(new PolicyCheck(Options(), new SecretMasker()), workspace, Project("policies/none"));
        Assert.Equal("Policy folder 'policies/none' does not exist at this commit.", missing.Error);

        var noBinary = await Check(new PolicyCheck(Options("/nonexistent/conftest"), new SecretMasker()), workspace, Project("policies/opa"));
        Assert.StartsWith("conftest could not be started", noBinary.Error);
        Assert.Contains("TerraFlow__Runner__ConftestPath", noBinary.Error);
    }

    [Fact]
    public async Task Secrets_in_policy_messages_and_logs_are_masked()
    {
        using var workspace = Workspace("package main\n# standin: deny msg=\"token hunter2-secret leaked\"\n");
        var masker = new SecretMasker();
        masker.Add("hunter2-secret");
        var check = new PolicyCheck(Options(), masker);
        var outcome = await Check(check, workspace, Project("policies/opa"));
        var violation = Assert.Single(outcome.Violations);
        Assert.Equal("token *** leaked", violation.Message);
        Assert.DoesNotContain("hunter2-secret", check.Log);
    }
}
