using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Workspace;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>The discover job reads rules from the base commit's git objects (real git, a real local repository).</summary>
public sealed partial class BaseRuleFilesTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "terraflow-base-rules-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly TestGitRepository _repo = TestGitRepository.Create();

    public void Dispose()
    {
        _repo.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    private RunnerOptions Options => new() { WorkDirectory = _work };

    private async Task<DiscoveryOutcome> DiscoverAsync(string baseSha, string headSha, RepoConfigOptions? repoConfig = null)
    {
        var handler = new DiscoverJobHandler(Options, new VcsClients(RegisteredHosts.WithoutClients()), new CloneUrlPolicy([], allowLocalPaths: true), NullLogger<DiscoverJobHandler>.Instance, repoConfig);
        var spec = new JobSpec(JobKinds.Discover, 1, "acme", "infra", null, _repo.CloneUrl, headSha, baseSha, null, "op");
        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), new SecretMasker(), CancellationToken.None);
        return result.Discovery!;
    }

    /// <summary>A base commit with <paramref name="baseConfig"/>, and a head on a branch that writes <paramref name="headConfig"/>.</summary>
    private (string Base, string Head) Commits(string baseConfig, string headConfig)
    {
        _repo.Write("app/main.tf", "resource \"terraform_data\" \"a\" {}\n").Write(".terraflow.yml", baseConfig);
        var baseSha = _repo.Commit("base");
        _repo.Checkout("feature", create: true);
        _repo.Write("app/main.tf", "resource \"terraform_data\" \"b\" {}\n").Write(".terraflow.yml", headConfig);
        return (baseSha, _repo.Commit("head"));
    }

    [Fact]
    public async Task The_head_projects_carry_the_base_rules_and_the_outcome_says_which_keys_were_ignored()
    {
        var (baseSha, head) = Commits("version: 1\napply_requirements: [approved]\n", "version: 1\napply_requirements: []\nautoplan: false\n");

        var outcome = await DiscoverAsync(baseSha, head);

        Assert.True(outcome.Succeeded, outcome.FailureMessage ?? outcome.ConfigError?.ToString());
        var app = outcome.AllProjects.Single();
        Assert.False(app.Autoplan); // shape from the head
        Assert.Equal([ApplyRequirement.Approved], app.Apply.Requirements); // rules from the base
        Assert.Equal(baseSha, app.PolicyCommit);
        Assert.Contains("Ignored in this run: `apply_requirements` of project `app`", outcome.RuleNotice);
    }

    [Fact]
    public async Task An_allowed_override_takes_the_key_from_the_head()
    {
        var (baseSha, head) = Commits("version: 1\napply_requirements: [approved]\n", "version: 1\napply_requirements: []\n");
        var allow = new RepoConfigOptions { AllowedOverrides = [new AllowedOverride { Repositories = "acme/infra", Keys = "apply_requirements" }] };

        var outcome = await DiscoverAsync(baseSha, head, allow);

        Assert.Empty(outcome.AllProjects.Single().Apply.Requirements);
        Assert.DoesNotContain("Ignored", outcome.RuleNotice);
    }

    [Fact]
    public async Task A_symlinked_base_configuration_is_refused_without_reading_its_target()
    {
        var secret = Path.Combine(_work, "secret.txt");
        Directory.CreateDirectory(_work);
        await File.WriteAllTextAsync(secret, "version: 1\n# top-secret-value\n");
        _repo.Write("app/main.tf", "");
        File.CreateSymbolicLink(Path.Combine(_repo.Path_, ".terraflow.yml"), secret);
        var baseSha = _repo.Commit("base with a symlinked config");
        _repo.Checkout("feature", create: true);
        _repo.Delete(".terraflow.yml").Write(".terraflow.yml", "version: 1\n");
        var head = _repo.Commit("head");

        var outcome = await DiscoverAsync(baseSha, head);

        Assert.False(outcome.Succeeded);
        var error = outcome.ConfigError!.ToString();
        Assert.Contains("not a regular file", error);
        Assert.Contains("base branch", error);
        Assert.DoesNotContain("top-secret-value", error);
    }

    [Fact]
    public async Task An_invalid_base_configuration_is_reported_as_the_base_branchs()
    {
        var (baseSha, head) = Commits("version: 1\napply: sometimes\n", "version: 1\n");

        var outcome = await DiscoverAsync(baseSha, head);

        Assert.False(outcome.Succeeded);
        Assert.Contains("'apply' must be one of manual, on_approval, on_merge", outcome.ConfigError!.Message);
        Assert.Contains("base branch", outcome.ConfigError.Message);
    }

    [Fact]
    public async Task Policy_folders_are_exported_from_the_commit_and_a_symlink_inside_is_refused()
    {
        _repo.Write("policies/a.rego", "package a\n").Write("policies/sub/b.rego", "package b\n");
        var good = _repo.Commit("policies");
        File.CreateSymbolicLink(Path.Combine(_repo.Path_, "policies", "link.rego"), "/etc/passwd");
        var bad = _repo.Commit("a symlink in the policies");

        var masker = new SecretMasker();
        await using var sandbox = TerraFlow.Runner.Sandbox.JobSandbox.Create(Options, null, masker);
        await using var workspace = await GitWorkspace.CloneAsync(_repo.CloneUrl, bad, null, Options, masker, sandbox, CancellationToken.None);
        var destination = Path.Combine(_work, "export");
        var present = await new CommitFiles(workspace, good).ExportAsync(["policies", "missing"], destination, CancellationToken.None);
        Assert.Equal(["policies"], present);
        Assert.Equal("package b\n", await File.ReadAllTextAsync(Path.Combine(destination, "policies", "sub", "b.rego")));

        var refused = await Assert.ThrowsAsync<WorkspaceException>(() =>
            new CommitFiles(workspace, bad).ExportAsync(["policies"], Path.Combine(_work, "export2"), CancellationToken.None));
        Assert.Contains("not a regular file", refused.Message);
    }
}
