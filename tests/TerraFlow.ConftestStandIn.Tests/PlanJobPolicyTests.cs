using TerraFlow.Adapters.GitHub;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Policies;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Core.Vcs;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Processes;

namespace TerraFlow.ConftestStandIn.Tests;

/// <summary>
/// A whole plan job (git clone → terraform stand-in → policy check with the conftest stand-in) carries the policy
/// outcome in its result.
/// </summary>
public class PlanJobPolicyTests
{
    [Fact]
    public async Task A_successful_plan_carries_built_in_and_conftest_results()
    {
        using var repo = new TempDir();
        repo.Write("infra/main.tf", "resource \"azurerm_key_vault\" \"main\" {}\n");
        repo.Write("infra/.standin/plan.json", Plans.KeyVault);
        repo.Write("policies/opa/vault.rego", "package main\n# standin: deny resource_type=azurerm_key_vault action=delete msg=\"keep {address}\"\n");
        var sha = await CommitAsync(repo.Path);

        var project = new ProjectDefinition("infra", "infra", "default", ProjectDefaults.WhenModified, [], true)
        {
            PolicyPaths = ["policies/opa"],
            Policies = [new PolicyRule("big", PolicySeverity.RequireApproval, 2, new PrincipalSet(["alice"], [])) { MaxChanges = 2 }],
        };
        var result = await RunPlanAsync(repo.Path, sha, project);

        var plan = result.Plan!;
        Assert.True(plan.Succeeded, plan.Error);
        var policy = plan.Policy!;
        Assert.Null(policy.Error);
        Assert.Equal(["big", "main.deny"], policy.Violations.Select(v => v.Rule));
        Assert.Equal(2, policy.Violations[0].RequiredApprovals);
        Assert.Equal("keep azurerm_key_vault.main", policy.Violations[1].Message);
        Assert.True(policy.Denied);
    }

    [Fact]
    public async Task A_project_without_policies_gets_passed()
    {
        using var repo = new TempDir();
        repo.Write("infra/main.tf", "");
        repo.Write("infra/.standin/plan.json", Plans.KeyVault);
        var sha = await CommitAsync(repo.Path);
        var project = new ProjectDefinition("infra", "infra", "default", ProjectDefaults.WhenModified, [], true);
        var result = await RunPlanAsync(repo.Path, sha, project, conftest: "/nonexistent/conftest");
        Assert.True(result.Plan!.Succeeded, result.Plan.Error);
        Assert.Same(PolicyOutcome.Passed, result.Plan.Policy);
    }

    private static async Task<JobResult> RunPlanAsync(string repoPath, string sha, ProjectDefinition project, string? conftest = null)
    {
        using var work = new TempDir();
        var options = new RunnerOptions
        {
            TerraformPath = StandIns.Terraform,
            ConftestPath = conftest ?? StandIns.Conftest,
            WorkDirectory = Path.Combine(work.Path, "jobs"),
            InitTimeout = TimeSpan.FromSeconds(60),
            PlanTimeout = TimeSpan.FromSeconds(60),
            PolicyTimeout = TimeSpan.FromSeconds(60),
        };
        var artifacts = new LocalFolderArtifactStore(Path.Combine(work.Path, "artifacts"));
        var handler = new PlanJobHandler(options, NoVcs.Create(), new CloneUrlPolicy([], allowLocalPaths: true), artifacts, NullLogger<PlanJobHandler>.Instance);
        var spec = new JobSpec(JobKinds.Plan, 7, "octo", "infra", null, repoPath, sha, sha, project, "op-1");
        return await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), new SecretMasker(), CancellationToken.None);
    }

    private static async Task<string> CommitAsync(string path)
    {
        foreach (var args in new[]
        {
            new[] { "init", "--quiet" },
            ["add", "-A"],
            ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "init"],
        })
        {
            var git = await ProcessRunner.RunAsync("git", args, path, null, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)} failed: {git.StandardError}");
        }
        var head = await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], path, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        return head.StandardOutput.Trim();
    }

    /// <summary>A local clone needs no VCS API; any call is a test failure.</summary>
    public class NoVcs : DispatchProxy
    {
        public static VcsClients Create() => new([new VcsProvider(GitHubHost.Provider, Create<IVcsClient, NoVcs>())]);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"unexpected VCS call {targetMethod?.Name}");
    }
}
