using Microsoft.Extensions.Logging.Abstractions;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Vcs;
using TerraFlow.Core.Jobs;
using TerraFlow.Core.Projects;
using TerraFlow.Core.Security;
using TerraFlow.Integration.Tests.Infrastructure;
using TerraFlow.Integration.Tests.RealTerraform;
using TerraFlow.Runner;
using TerraFlow.Runner.Jobs;
using TerraFlow.Runner.Providers;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>
/// The cache inside real plan jobs (clone, sandbox, real <c>terraform init</c>): the job's log says which providers
/// came from the runner's cache, and a second job reuses the entry without fetching again. The fake providers are
/// not real plugins, so <c>terraform plan</c> then fails starting them; only init is the subject here.
/// </summary>
public sealed class ProviderCachePlanJobTests : IDisposable
{
    private readonly string _scratch = JobWritableFolder.Create(Path.Combine(Path.GetTempPath(), "terraflow-provjob-" + Guid.NewGuid().ToString("N")[..10]));

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Plan_jobs_take_locked_providers_from_the_runner_cache_and_fetch_each_once()
    {
        var registry = new FakeProviderRegistry(Path.Combine(_scratch, "registry"));
        registry.Add("alpha", "1.0.0");
        var configuration = FakeProviderRegistry.Configuration(("alpha", "1.0.0"));
        using var git = TestGitRepository.Create();
        git.Write("infra/main.tf", configuration);
        git.Write("infra/.terraform.lock.hcl", registry.LockFile(configuration));
        var head = git.Commit("providers");
        var options = new RunnerOptions
        {
            TerraformPath = RealTerraformBinary.Path,
            WorkDirectory = Path.Combine(_scratch, "work"),
            ProviderUpstream = registry.Root,
        };
        var artifacts = new LocalFolderArtifactStore(Path.Combine(_scratch, "artifacts"));
        var handler = new PlanJobHandler(options, new VcsClients([]), new CloneUrlPolicy([], allowLocalPaths: true), artifacts, NullLogger<PlanJobHandler>.Instance);

        foreach (var jobId in new long[] { 1, 2 })
        {
            var spec = new JobSpec(JobKinds.Plan, 1, "acme", "infra", null, git.CloneUrl, head, head,
                new ProjectDefinition("infra", "infra", "default", ["**/*.tf"], [], true), "op");
            var result = await handler.ExecuteAsync(new JobLease(jobId, 1, 1, spec), new SecretMasker(), CancellationToken.None);

            await using var stream = await artifacts.OpenReadAsync(result.Plan!.Artifacts!.Log, CancellationToken.None);
            var log = await new StreamReader(stream!).ReadToEndAsync();
            Assert.Contains($"(provider cache: {FakeProviderRegistry.Address("alpha")} 1.0.0 from the runner's cache, checked against .terraform.lock.hcl)", log);
            var init = log[log.IndexOf("$ terraform init", StringComparison.Ordinal)..];
            Assert.Contains("Installed providers.terraflow.test/fake/alpha v1.0.0", init);
            Assert.Contains("Terraform has been successfully initialized!", init);
        }
        Assert.Equal(1, ProviderCache.For(options).Fetches);
        Assert.True(Directory.Exists(Path.Combine(options.ProviderCacheDirectory, "mirror", FakeProviderRegistry.Host, "fake", "alpha", "1.0.0", ProviderCache.Platform)));
    }
}
