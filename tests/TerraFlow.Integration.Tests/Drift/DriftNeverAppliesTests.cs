using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Application.Drift;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using Xunit;

namespace TerraFlow.Integration.Tests.Drift;

/// <summary>The apply path refuses every job that is not a pull request's, a drift check's above all.</summary>
public sealed class DriftNeverAppliesTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "terraflow-noapply-" + Guid.NewGuid().ToString("N")[..10]);

    private static readonly ProjectDefinition Project = new("drifted", "drifted", "default", ["**/*.tf"], [], false);

    [Fact]
    public async Task An_apply_job_of_a_drift_check_is_refused_before_anything_runs()
    {
        var handler = new ApplyJobHandler(new RunnerOptions { WorkDirectory = Path.Combine(_scratch, "work") }, new VcsClients([]),
            new CloneUrlPolicy([], allowLocalPaths: true), new LocalFolderArtifactStore(Path.Combine(_scratch, "artifacts")), NullLogger<ApplyJobHandler>.Instance);
        // What a drift check's job looks like, turned into an apply (a bug or a forged queue row): no pull request.
        var spec = DriftJobs.Spec(7, "github", new("acme", "infra", null), Path.Combine(_scratch, "no-repo"), Project, "op") with
        {
            Kind = JobKinds.Apply, HeadSha = new string('a', 40), PlanFile = "runs/7/drifted/plan.tfplan", PlanSha256 = new string('c', 64),
        };

        var result = await handler.ExecuteAsync(new JobLease(1, 1, 1, spec), new SecretMasker(), CancellationToken.None);

        Assert.False(result.Apply!.Succeeded);
        Assert.False(result.Apply.Interrupted);
        Assert.Contains("belongs to no pull request", result.Apply.Error);
        // Refused before the work folder was even made.
        Assert.False(Directory.Exists(Path.Combine(_scratch, "work")) && Directory.EnumerateFileSystemEntries(Path.Combine(_scratch, "work")).Any());
    }

    [Fact]
    public void The_guard_passes_a_pull_requests_apply_and_refuses_the_rest()
    {
        var drift = DriftJobs.Spec(7, "github", new("acme", "infra", null), "/x", Project, "op");
        Assert.NotNull(ApplyGuard.Refusal(drift));
        Assert.NotNull(ApplyGuard.Refusal(drift with { Kind = JobKinds.Apply }));
        Assert.NotNull(ApplyGuard.Refusal(drift with { Kind = JobKinds.Apply, HeadSha = new string('a', 40), PullRequestNumber = 0 }));
        Assert.Null(ApplyGuard.Refusal(drift with { Kind = JobKinds.Apply, HeadSha = new string('a', 40), PullRequestNumber = 5 }));
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }
}
