using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Sandbox;

namespace TerraFlow.Integration.Tests.Runner;

/// <summary>
/// The job sandbox with real processes: as root (CI, the default container) every child runs as a fresh unprivileged
/// uid per job; an untrusted plan gets no operator credential (real terraform); an untrusted apply is refused.
/// </summary>
public sealed class JobSandboxTests : IDisposable
{
    private readonly string _scratch = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-sandbox-" + Guid.NewGuid().ToString("N")[..10]));

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    private RunnerOptions Options() => new()
    {
        TerraformPath = "terraform",
        WorkDirectory = Path.Combine(_scratch, "work"),
        Credentials = { new RunnerCredential { Repositories = "acme/*", Environment = { ["TF_VAR_cred"] = "operator-credential-31415" } } },
    };

    [Fact]
    public async Task As_root_each_jobs_children_run_as_their_own_unprivileged_uid_in_a_private_folder()
    {
        var options = Options();
        await using var first = JobSandbox.Create(options, null, new SecretMasker());
        await using var second = JobSandbox.Create(options, null, new SecretMasker());
        var firstUid = await IdAsync(first);
        var secondUid = await IdAsync(second);

        if (JobUser.IsRoot())
        {
            Assert.NotEqual("0", firstUid);
            Assert.InRange(uint.Parse(firstUid, System.Globalization.CultureInfo.InvariantCulture), JobUser.JobUidBase, JobUser.JobUidBase + JobUser.JobUidCount - 1);
            Assert.NotEqual(firstUid, secondUid);
            // One job cannot look into another's folder.
            var peek = await second.RunAsync(ChildPurpose.Git, "ls", [first.Root], second.Root, null, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.NotEqual(0, peek.ExitCode);
            Assert.Contains("Permission denied", peek.StandardError);
        }
        else
        {
            Assert.Equal(Environment.UserName, (await first.RunAsync(ChildPurpose.Git, "id", ["-un"], first.Root, null, TimeSpan.FromSeconds(30), CancellationToken.None)).StandardOutput.Trim());
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(first.Root));
        var root = first.Root;
        await first.DisposeAsync();
        Assert.False(Directory.Exists(root));
    }

    private static async Task<string> IdAsync(JobSandbox sandbox)
    {
        var result = await sandbox.RunAsync(ChildPurpose.Git, "id", ["-u"], sandbox.Root, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
        return result.StandardOutput.Trim();
    }

    [Theory]
    [InlineData(false, "***")]
    [InlineData(true, "absent")]
    public async Task An_untrusted_plan_gets_no_operator_credential(bool untrusted, string shown)
    {
        using var git = TestGitRepository.Create();
        git.Write("main.tf", "variable \"cred\" {\n  type    = string\n  default = \"absent\"\n}\noutput \"cred\" { value = var.cred }\n");
        var head = git.Commit("plan");
        var artifacts = new LocalFolderArtifactStore(Path.Combine(_scratch, "artifacts"));
        var handler = new PlanJobHandler(Options(), new VcsClients([]), new CloneUrlPolicy([], allowLocalPaths: true), artifacts, NullLogger<PlanJobHandler>.Instance);
        var spec = new JobSpec(JobKinds.Plan, 1, "acme", "infra", null, git.CloneUrl, head, head,
            new ProjectDefinition("root", ".", "default", ["**/*.tf"], [], true), "op") { Untrusted = untrusted };
        var masker = new SecretMasker();
        masker.Add("operator-credential-31415"); // as the runner does for every configured credential

        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), masker, CancellationToken.None);

        Assert.True(result.Plan!.Succeeded, result.Plan.Error);
        await using var text = await artifacts.OpenReadAsync(result.Plan.Artifacts!.PlanText, CancellationToken.None);
        var plan = await new StreamReader(text!).ReadToEndAsync();
        Assert.Contains($"cred = \"{shown}\"", plan);
        Assert.DoesNotContain("operator-credential-31415", plan);
    }

    [Fact]
    public async Task An_untrusted_apply_is_refused_before_anything_runs()
    {
        var handler = new ApplyJobHandler(Options(), new VcsClients([]), new CloneUrlPolicy([], allowLocalPaths: true), new LocalFolderArtifactStore(Path.Combine(_scratch, "artifacts")), NullLogger<ApplyJobHandler>.Instance);
        var spec = new JobSpec(JobKinds.Apply, 1, "acme", "infra", null, Path.Combine(_scratch, "no-repo"), new string('a', 40), new string('b', 40),
            new ProjectDefinition("root", ".", "default", ["**/*.tf"], [], true), "op")
        { Untrusted = true, PullRequestNumber = 1, PlanFile = "runs/1/root/plan.tfplan", PlanSha256 = new string('c', 64) };

        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), new SecretMasker(), CancellationToken.None);

        Assert.False(result.Apply!.Succeeded);
        Assert.Contains("untrusted", result.Apply.Error);
        Assert.Contains("Nothing was applied", result.Apply.Error);
    }
}
